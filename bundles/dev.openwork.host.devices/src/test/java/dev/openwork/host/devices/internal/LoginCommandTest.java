package dev.openwork.host.devices.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class LoginCommandTest {

    private static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/#login=([A-Za-z0-9_-]{22})\n");

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();
    @Rule
    public final Timeout timeout = Timeout.seconds(5);

    private MutableClock clock;
    private FileAdminAccess access;

    @Before
    public void setUp() throws IOException {
        clock = new MutableClock();
        access = new FileAdminAccess(temp.newFolder("data").toPath(), clock);
    }

    private static String code(String output) {
        Matcher matcher = LINK.matcher(output);
        assertTrue(output, matcher.find());
        return matcher.group(2);
    }

    @Test
    public void printsAOneTimeLinkWithTheCodeInTheFragment() {
        String out = new LoginCommand(access, 4747).login();
        assertTrue(out, out.contains("  http://127.0.0.1:4747/#login="));
        URI link = URI.create(out.substring(out.indexOf("http://"), out.indexOf('\n', out.indexOf("http://"))));
        assertEquals("the code never reaches a server: no query string", null, link.getQuery());
        assertEquals("/", link.getPath());
        assertEquals("login=" + code(out), link.getFragment());
        assertTrue(out, out.contains("within 2 minutes"));
        assertTrue(out, out.contains(access.credentialFile().toString()));

        String code = code(out);
        assertTrue(access.redeemLoginCode(code).isPresent());
        assertFalse("works once", access.redeemLoginCode(code).isPresent());
    }

    @Test
    public void theLinkIsValidForTwoMinutes() {
        LoginCommand command = new LoginCommand(access, 4747);
        String first = code(command.login());
        String second = code(command.login());
        clock.advance(Duration.ofMinutes(2).minusSeconds(1));
        assertTrue(access.redeemLoginCode(first).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(access.redeemLoginCode(second).isPresent());
    }

    @Test
    public void usesTheConfiguredPort() {
        assertEquals("9090", LINK.matcher(new LoginCommand(access, 9090).login()).results().findFirst().orElseThrow().group(1));
    }

    @Test
    public void portFallsBackTo4747() {
        assertEquals(4747, LoginCommand.port(null));
        assertEquals(4747, LoginCommand.port(""));
        assertEquals(4747, LoginCommand.port("http"));
        assertEquals(4747, LoginCommand.port("0"));
        assertEquals(4747, LoginCommand.port("65536"));
        assertEquals(4747, LoginCommand.port("-1"));
        assertEquals(8080, LoginCommand.port(" 8080 "));
        assertEquals(65535, LoginCommand.port("65535"));
    }
}
