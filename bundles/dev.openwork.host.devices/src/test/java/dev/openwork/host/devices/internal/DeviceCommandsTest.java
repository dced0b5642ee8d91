package dev.openwork.host.devices.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry.Registration;
import dev.openwork.host.api.devices.Scopes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class DeviceCommandsTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();
    @Rule
    public final Timeout timeout = Timeout.seconds(5);

    private MutableClock clock;
    private FileDeviceRegistry registry;
    private DeviceCommands commands;
    private ThreadIOImpl threadIo;
    private CommandSession gogo;

    @Before
    public void setUp() throws IOException {
        clock = new MutableClock();
        registry = new FileDeviceRegistry(temp.newFolder("data").toPath(), clock, EventSink.NONE);
        commands = new DeviceCommands(registry);
        // the real Gogo runtime, so the command signatures are proven as the shell calls them
        threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        for (String function : List.of("list", "revoke", "scopes")) {
            processor.addCommand("devices", commands, function);
        }
        gogo = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
    }

    @After
    public void tearDown() {
        gogo.close();
        threadIo.stop();
    }

    private String shell(String line) throws Exception {
        return String.valueOf(gogo.execute(line));
    }

    @Test
    public void listSaysWhenNothingIsPaired() throws Exception {
        assertEquals("No devices are paired.\n", shell("devices:list"));
    }

    @Test
    public void listShowsEveryColumn() throws Exception {
        Registration phone = registry.register("Anna's phone", "ios", Set.of(Scopes.TASKS_RUN, Scopes.STATUS_READ));
        clock.advance(Duration.ofMinutes(3));
        Device laptop = registry.register("laptop", "linux", Set.of(Scopes.ADMIN)).device();
        clock.advance(Duration.ofMinutes(1));
        registry.authenticate(phone.credential(), "192.168.1.20");

        String out = shell("devices:list");
        String[] lines = out.split("\n");
        assertEquals(out, 4, lines.length);
        assertTrue(lines[0], lines[0].matches("ID +NAME +PLATFORM +SCOPES +PAIRED AT +LAST SEEN +LAST ADDRESS"));
        assertTrue(lines[1], lines[1].matches(phone.device().id()
                + " +Anna's phone +ios +status:read,tasks:run +2026-03-01 10:00:00Z +2026-03-01 10:04:00Z +192\\.168\\.1\\.20"));
        assertTrue(lines[2], lines[2].matches(laptop.id() + " +laptop +linux +admin +2026-03-01 10:03:00Z +never +-"));
        assertEquals("2 device(s)", lines[3]);
        assertEquals("columns line up", lines[0].indexOf("NAME"), lines[1].indexOf("Anna's phone"));
        assertEquals(lines[0].indexOf("LAST SEEN"), lines[2].indexOf("never"));
        assertFalse("no credential in the listing", out.contains(phone.credential().substring(4)));
    }

    @Test
    public void revokeByIdAndUnknownIds() throws Exception {
        Registration phone = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        String out = shell("devices:revoke " + phone.device().id());
        assertEquals("Revoked device " + phone.device().id() + " (phone); its credential no longer works.\n", out);
        assertFalse(registry.authenticate(phone.credential(), null).isPresent());

        String again = shell("devices:revoke " + phone.device().id());
        assertTrue(again, again.startsWith("No paired device has the id '" + phone.device().id() + "'"));
        assertTrue(commands.revoke("dev_nonexistent").contains("devices:list"));
    }

    @Test
    public void scopesReplaceTheDevicesScopes() throws Exception {
        Device phone = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ)).device();
        String out = shell("devices:scopes " + phone.id() + " tasks:run tasks:read");
        assertEquals("Device " + phone.id() + " now has the scopes tasks:read, tasks:run.\n", out);
        assertEquals(Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ), registry.find(phone.id()).orElseThrow().scopes());

        assertEquals("commas work too", "Device " + phone.id() + " now has the scopes admin, status:read.\n",
                shell("devices:scopes " + phone.id() + " admin,status:read"));
    }

    @Test
    public void scopesWithoutScopesShowsTheCurrentAndValidOnes() throws Exception {
        Device phone = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ)).device();
        String out = shell("devices:scopes " + phone.id());
        assertTrue(out, out.startsWith("Device " + phone.id() + " has the scopes status:read.\n"));
        assertTrue(out, out.contains("Valid scopes: admin, permissions:answer, runtime:*, runtime:<name>, status:read, "
                + "tasks:read, tasks:run, workspace:*, workspace:<absolute directory>."));
    }

    @Test
    public void scopesAddAndRemoveGrantsWithPlusAndMinus() throws Exception {
        Device phone = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE).device();
        String out = shell("devices:scopes " + phone.id() + " +runtime:shell '-runtime:*' +workspace:/srv/site \"-workspace:*\"");
        assertEquals(out, Set.of(Scopes.STATUS_READ, Scopes.TASKS_RUN, Scopes.TASKS_READ, Scopes.PERMISSIONS_ANSWER,
                "runtime:shell", "workspace:/srv/site"), registry.find(phone.id()).orElseThrow().scopes());
        assertTrue(out, out.contains("runtime:shell") && out.contains("workspace:/srv/site"));
        assertTrue(shell("devices:scopes " + phone.id() + " tasks:run +admin").startsWith("Either list the new scopes"));
        assertTrue(shell("devices:scopes " + phone.id() + " +workspace:relative/dir").startsWith("Unknown scope 'workspace:relative/dir'"));
        assertTrue(shell("devices:scopes dev_000000000000 +admin").startsWith("No paired device has the id"));
    }

    @Test
    public void refusalsAreSentencesNotStackTraces() throws Exception {
        Device phone = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ)).device();
        String unknownScope = shell("devices:scopes " + phone.id() + " status:read root");
        assertTrue(unknownScope, unknownScope.startsWith("Unknown scope 'root'. Use one or more of: admin,"));
        assertEquals(Set.of(Scopes.STATUS_READ), registry.find(phone.id()).orElseThrow().scopes());

        String unknownDevice = shell("devices:scopes dev_000000000000 admin");
        assertTrue(unknownDevice, unknownDevice.startsWith("No paired device has the id 'dev_000000000000'."));
        assertEquals(unknownDevice, shell("devices:scopes dev_000000000000").replace(" devices:list shows the ids.",
                " List the paired devices (devices:list) and use one of their ids."));
    }
}
