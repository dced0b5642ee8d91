package dev.openwork.host.devices.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class FileAdminAccessTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();
    @Rule
    public final Timeout timeout = Timeout.seconds(5);

    private Path data;
    private MutableClock clock;

    @Before
    public void setUp() throws IOException {
        data = temp.newFolder("data").toPath();
        clock = new MutableClock();
    }

    private FileAdminAccess access() {
        return new FileAdminAccess(data, clock);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    // --- the admin credential file ----------------------------------------------------------------

    @Test
    public void theCredentialFileIsCreatedOnceOwnerOnlyAndReused() throws IOException {
        FileAdminAccess first = access();
        Path file = first.credentialFile();
        assertEquals(data.resolve("admin").resolve("admin.token"), file);
        String credential = read(file);
        assertTrue(credential, credential.matches("owa_[A-Za-z0-9_-]{43}"));
        assertEquals(32, Base64.getUrlDecoder().decode(credential.substring(4)).length);
        if (PrivateFiles.isPosix(file)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        }
        assertTrue(first.isAdminCredential(credential));

        FileAdminAccess second = access();
        assertEquals("reused, not replaced", credential, read(file));
        assertTrue(second.isAdminCredential(credential));
    }

    @Test
    public void widenedPermissionsAreNarrowedAgain() throws IOException {
        Assume.assumeTrue("needs POSIX permissions", PrivateFiles.isPosix(data));
        Path file = access().credentialFile();
        String credential = read(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        access();
        assertEquals(credential, read(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    public void aMalformedCredentialFileIsReplaced() throws IOException {
        for (String content : List.of("", "garbage", "owa_short", "owd_" + "A".repeat(43), "owa_" + "!".repeat(43),
                "x".repeat(5000))) {
            Path file = data.resolve("admin").resolve("admin.token");
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            FileAdminAccess access = access();
            String credential = read(file);
            assertTrue(credential, credential.matches("owa_[A-Za-z0-9_-]{43}"));
            assertTrue(access.isAdminCredential(credential));
            assertFalse(access.isAdminCredential(content));
        }
    }

    @Test
    public void aCredentialWithATrailingNewlineOrSpacesIsAccepted() throws IOException {
        Path file = access().credentialFile();
        String credential = read(file);
        Files.writeString(file, "  " + credential + "\r\n\n");
        assertTrue(access().isAdminCredential(credential));
        assertEquals("not replaced", credential, read(file));
    }

    @Test
    public void onlyTheExactCredentialIsTheAdmin() throws IOException {
        FileAdminAccess access = access();
        String credential = read(access.credentialFile());
        List<String> wrong = new ArrayList<>(List.of("", " ", credential + " ", " " + credential, credential.toUpperCase(),
                credential.substring(0, 46) + (credential.charAt(46) == 'A' ? 'B' : 'A'), "owa_" + "A".repeat(43),
                "owd_" + credential.substring(4), "x".repeat(10_000)));
        wrong.add(null);
        for (String candidate : wrong) {
            assertFalse(String.valueOf(candidate), access.isAdminCredential(candidate));
        }
        assertTrue(access.isAdminCredential(credential));
    }

    @Test
    public void toStringShowsNoSecret() throws IOException {
        FileAdminAccess access = access();
        String code = access.issueLoginCode(Duration.ofMinutes(2));
        String session = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        String text = access.toString();
        assertFalse(text.contains(read(access.credentialFile())));
        assertFalse(text.contains(code));
        assertFalse(text.contains(session));
    }

    // --- login codes ------------------------------------------------------------------------------

    @Test
    public void aLoginCodeWorksOnceOnly() {
        FileAdminAccess access = access();
        String code = access.issueLoginCode(Duration.ofMinutes(2));
        assertTrue(code, code.matches("[A-Za-z0-9_-]{22}"));
        assertEquals(16, Base64.getUrlDecoder().decode(code).length);

        Optional<String> session = access.redeemLoginCode(code);
        assertTrue(session.isPresent());
        assertTrue(access.isAdminSession(session.get()));
        assertEquals("spent", Optional.empty(), access.redeemLoginCode(code));
    }

    @Test
    public void aLoginCodeExpires() {
        FileAdminAccess access = access();
        String early = access.issueLoginCode(Duration.ofMinutes(2));
        String late = access.issueLoginCode(Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(2).minusMillis(1));
        assertTrue("still valid just before the end", access.redeemLoginCode(early).isPresent());
        clock.advance(Duration.ofMillis(1));
        assertEquals("expired at the end", Optional.empty(), access.redeemLoginCode(late));
    }

    @Test
    public void loginCodesLastTenMinutesAtMost() {
        FileAdminAccess access = access();
        String asked = access.issueLoginCode(Duration.ofHours(5));
        String other = access.issueLoginCode(Duration.ofHours(5));
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertTrue(access.redeemLoginCode(asked).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(access.redeemLoginCode(other).isPresent());
    }

    @Test
    public void aLoginCodeNeedsAPositiveValidity() {
        FileAdminAccess access = access();
        for (Duration validity : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1)}) {
            try {
                access.issueLoginCode(validity);
                fail("accepted " + validity);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }

    @Test
    public void atMostSixteenLoginCodesAreOutstandingOldestDropped() {
        FileAdminAccess access = access();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            codes.add(access.issueLoginCode(Duration.ofMinutes(5)));
        }
        assertFalse("the oldest was dropped", access.redeemLoginCode(codes.get(0)).isPresent());
        for (String code : codes.subList(1, 17)) {
            assertTrue(access.redeemLoginCode(code).isPresent());
        }
    }

    @Test
    public void malformedOrUnknownLoginCodesAreRefused() {
        FileAdminAccess access = access();
        String code = access.issueLoginCode(Duration.ofMinutes(2));
        List<String> wrong = new ArrayList<>(List.of("", " ", code + "=", code.substring(1), code + "A", "A".repeat(22),
                "!".repeat(22), "x".repeat(10_000)));
        wrong.add(null);
        for (String candidate : wrong) {
            assertEquals(String.valueOf(candidate), Optional.empty(), access.redeemLoginCode(candidate));
        }
        assertTrue("wrong guesses do not spend the real code", access.redeemLoginCode(code).isPresent());
    }

    @Test
    public void codesAndSessionsAreAllDifferent() {
        FileAdminAccess access = access();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            String code = access.issueLoginCode(Duration.ofMinutes(1));
            assertTrue(seen.add(code));
            assertTrue(seen.add(access.redeemLoginCode(code).orElseThrow()));
        }
    }

    // --- sessions ---------------------------------------------------------------------------------

    @Test
    public void aSessionIsValidForTwelveHours() {
        FileAdminAccess access = access();
        String session = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        assertTrue(session, session.matches("[A-Za-z0-9_-]{43}"));
        assertTrue(access.isAdminSession(session));
        clock.advance(Duration.ofHours(12).minusSeconds(1));
        assertTrue(access.isAdminSession(session));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(access.isAdminSession(session));
    }

    @Test
    public void unknownOrMalformedSessionsAreRefused() {
        FileAdminAccess access = access();
        String session = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        List<String> wrong = new ArrayList<>(List.of("", session.substring(1), session + "A", "A".repeat(43),
                session.toUpperCase().equals(session) ? "b".repeat(43) : session.toUpperCase(), "x".repeat(10_000)));
        wrong.add(null);
        for (String candidate : wrong) {
            assertFalse(String.valueOf(candidate), access.isAdminSession(candidate));
        }
        assertTrue(access.isAdminSession(session));
    }

    @Test
    public void sessionsLiveInMemoryOnly() throws IOException {
        FileAdminAccess access = access();
        String session = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        assertFalse("a restart logs browsers out", access().isAdminSession(session));
        try (var files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(session));
            }
        }
    }

    @Test
    public void atMostSixtyFourSessionsOldestDropped() {
        FileAdminAccess access = access();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            sessions.add(access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow());
        }
        assertFalse(access.isAdminSession(sessions.get(0)));
        for (String session : sessions.subList(1, 65)) {
            assertTrue(access.isAdminSession(session));
        }
    }

    @Test
    public void configurationShortensSessions() {
        FileAdminAccess access = access();
        access.modified(config(30));
        String session = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        clock.advance(Duration.ofMinutes(30));
        assertFalse(access.isAdminSession(session));

        access.modified(config(100_000)); // capped at 12 hours
        String longer = access.redeemLoginCode(access.issueLoginCode(Duration.ofMinutes(2))).orElseThrow();
        clock.advance(Duration.ofHours(12));
        assertFalse(access.isAdminSession(longer));
    }

    private static FileAdminAccess.Config config(int minutes) {
        return new FileAdminAccess.Config() {
            @Override
            public int sessionValidityMinutes() {
                return minutes;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return FileAdminAccess.Config.class;
            }
        };
    }
}
