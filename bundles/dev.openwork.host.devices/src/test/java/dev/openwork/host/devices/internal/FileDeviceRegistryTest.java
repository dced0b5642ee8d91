package dev.openwork.host.devices.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry.Registration;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class FileDeviceRegistryTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();
    @Rule
    public final Timeout timeout = Timeout.seconds(5);

    private Path data;
    private MutableClock clock;
    private RecordingEvents events;

    @Before
    public void setUp() throws IOException {
        data = temp.newFolder("data").toPath();
        clock = new MutableClock();
        events = new RecordingEvents();
    }

    private FileDeviceRegistry registry() {
        return new FileDeviceRegistry(data, clock, events);
    }

    private Path devicesFile() {
        return data.resolve("devices").resolve("devices.json");
    }

    private String fileContent() throws IOException {
        return Files.readString(devicesFile(), StandardCharsets.UTF_8);
    }

    // --- register / authenticate / revoke --------------------------------------------------------

    @Test
    public void registerAuthenticateRevokeRoundTrip() {
        FileDeviceRegistry registry = registry();
        Registration registration = registry.register("Anna's phone", "ios", Scopes.DEFAULT_DEVICE);
        Device device = registration.device();

        assertTrue(device.id(), device.id().matches("dev_[0-9a-f]{12}"));
        assertEquals("Anna's phone", device.name());
        assertEquals("ios", device.platform());
        assertEquals(Scopes.DEFAULT_DEVICE, device.scopes());
        assertEquals(clock.instant(), device.pairedAt());
        assertNull(device.lastSeenAt());
        assertEquals(List.of(device), registry.list());
        assertEquals(Optional.of(device), registry.find(device.id()));

        clock.advance(Duration.ofSeconds(5));
        Device seen = registry.authenticate(registration.credential(), "192.168.1.20").orElseThrow();
        assertEquals(device.id(), seen.id());
        assertEquals(clock.instant(), seen.lastSeenAt());
        assertEquals("192.168.1.20", seen.lastAddress());

        assertTrue(registry.revoke(device.id()));
        assertEquals(Optional.empty(), registry.authenticate(registration.credential(), "192.168.1.20"));
        assertEquals(Optional.empty(), registry.find(device.id()));
        assertTrue(registry.list().isEmpty());
        assertFalse("a second revoke finds nothing", registry.revoke(device.id()));
    }

    @Test
    public void credentialsAre256RandomBitsInBase64UrlWithPrefix() {
        FileDeviceRegistry registry = registry();
        String first = registry.register("one", "cli", Set.of(Scopes.STATUS_READ)).credential();
        String second = registry.register("two", "cli", Set.of(Scopes.STATUS_READ)).credential();
        for (String credential : List.of(first, second)) {
            assertTrue(credential, credential.matches("owd_[A-Za-z0-9_-]{43}"));
            assertEquals(32, Base64.getUrlDecoder().decode(credential.substring(4)).length);
        }
        assertNotEquals(first, second);
    }

    @Test
    public void registrationToStringHidesTheCredential() {
        Registration registration = registry().register("phone", "android", Scopes.DEFAULT_DEVICE);
        assertFalse(registration.toString().contains(registration.credential()));
        assertFalse(registration.toString().contains(registration.credential().substring(4)));
    }

    @Test
    public void malformedCredentialsAreRefused() {
        FileDeviceRegistry registry = registry();
        String good = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE).credential();
        List<String> bad = new ArrayList<>(List.of("", " ", "   \t", "owd_", "owd", "Bearer " + good,
                good.substring(0, good.length() - 1), good + "A", " " + good, "owa_" + good.substring(4),
                "owd_" + "!".repeat(43), "owd_" + "A".repeat(42) + "=", "x".repeat(201), "owd_" + "A".repeat(5000)));
        bad.add(null);
        // right shape, but no device has it
        bad.add("owd_" + "A".repeat(43));
        for (String credential : bad) {
            assertEquals(String.valueOf(credential), Optional.empty(), registry.authenticate(credential, "10.0.0.1"));
        }
        assertTrue(registry.authenticate(good, "10.0.0.1").isPresent());
    }

    @Test
    public void addressesAreKeptAsGivenButNeverWithControlCharactersOrUnbounded() {
        FileDeviceRegistry registry = registry();
        String credential = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE).credential();
        String ipv6 = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%eth0";
        assertEquals(ipv6, registry.authenticate(credential, ipv6).orElseThrow().lastAddress());
        assertEquals("10.0.0.1?evil", registry.authenticate(credential, " 10.0.0.1\nevil ").orElseThrow().lastAddress());
        assertEquals(100, registry.authenticate(credential, "1".repeat(5000)).orElseThrow().lastAddress().length());
        assertEquals("a missing address keeps the last one", 100,
                registry.authenticate(credential, null).orElseThrow().lastAddress().length());
    }

    @Test
    public void eachDeviceAuthenticatesWithItsOwnCredentialOnly() {
        FileDeviceRegistry registry = registry();
        Registration a = registry.register("a", "ios", Scopes.DEFAULT_DEVICE);
        Registration b = registry.register("b", "android", Set.of(Scopes.ADMIN));
        assertEquals(a.device().id(), registry.authenticate(a.credential(), null).orElseThrow().id());
        assertEquals(b.device().id(), registry.authenticate(b.credential(), null).orElseThrow().id());
        registry.revoke(a.device().id());
        assertFalse(registry.authenticate(a.credential(), null).isPresent());
        assertTrue("revoking one device leaves the others", registry.authenticate(b.credential(), null).isPresent());
    }

    @Test
    public void listIsOldestFirst() {
        FileDeviceRegistry registry = registry();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(registry.register("device " + i, "cli", Scopes.DEFAULT_DEVICE).device().id());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(ids, registry.list().stream().map(Device::id).toList());
        assertEquals(ids, registry().list().stream().map(Device::id).toList());
    }

    // --- what is on disk --------------------------------------------------------------------------

    @Test
    public void theCredentialIsNeverWrittenOnlyItsHash() throws IOException {
        FileDeviceRegistry registry = registry();
        Registration registration = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        registry.authenticate(registration.credential(), "10.1.2.3");
        String credential = registration.credential();
        String payload = credential.substring(4);
        String rawHex = HexFormat.of().formatHex(Base64.getUrlDecoder().decode(payload));

        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertFalse(file + " holds the credential", content.contains(credential));
                assertFalse(file + " holds the credential's base64 payload", content.contains(payload));
                assertFalse(file + " holds the credential's bytes in hex", content.toLowerCase().contains(rawHex));
            }
        }
        assertTrue(fileContent().contains(SecretTokens.sha256Hex(credential)));
        assertTrue(fileContent().contains(registration.device().id()));
    }

    @Test
    public void theRegistrySurvivesARestart() {
        FileDeviceRegistry first = registry();
        Registration registration = first.register("laptop", "linux", Set.of(Scopes.STATUS_READ, Scopes.TASKS_READ));

        FileDeviceRegistry second = registry();
        Device reloaded = second.find(registration.device().id()).orElseThrow();
        assertEquals(registration.device(), reloaded);
        assertEquals(registration.device().id(),
                second.authenticate(registration.credential(), "127.0.0.1").orElseThrow().id());
        assertEquals(HealthStatus.OK, second.check().status());
    }

    @Test
    public void aRevokedCredentialFailsAtOnceAndAfterARestart() {
        FileDeviceRegistry registry = registry();
        Registration revoked = registry.register("old phone", "ios", Scopes.DEFAULT_DEVICE);
        Registration kept = registry.register("new phone", "ios", Scopes.DEFAULT_DEVICE);
        assertTrue(registry.revoke(revoked.device().id()));
        assertFalse(registry.authenticate(revoked.credential(), null).isPresent());

        FileDeviceRegistry reloaded = registry();
        assertFalse(reloaded.authenticate(revoked.credential(), null).isPresent());
        assertFalse(reloaded.find(revoked.device().id()).isPresent());
        assertTrue(reloaded.authenticate(kept.credential(), null).isPresent());
    }

    @Test
    public void fileAndFolderAreOwnerOnly() throws IOException {
        Assume.assumeTrue("needs POSIX permissions", PrivateFiles.isPosix(data));
        FileDeviceRegistry registry = registry();
        registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(devicesFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(devicesFile().getParent())));
    }

    @Test
    public void widenedFolderPermissionsAreNarrowedAtStart() throws IOException {
        Assume.assumeTrue("needs POSIX permissions", PrivateFiles.isPosix(data));
        Path folder = Files.createDirectories(devicesFile().getParent());
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        registry();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    }

    @Test
    public void temporaryFilesLeftByACrashAreRemovedAndNothingElse() throws IOException {
        Path folder = Files.createDirectories(devicesFile().getParent());
        Path leftOver = Files.writeString(folder.resolve(".devices.json.12345.tmp"), "{half");
        Path other = Files.writeString(folder.resolve("notes.txt"), "keep me");
        registry().register("phone", "ios", Scopes.DEFAULT_DEVICE);
        assertFalse(Files.exists(leftOver));
        assertTrue(Files.exists(other));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals("no temporary file stays after a write", Set.of("devices.json", "notes.txt"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    // --- corrupt files ----------------------------------------------------------------------------

    @Test
    public void aCorruptFileIsKeptAsideAndTheRegistryStartsEmpty() throws IOException {
        Files.createDirectories(devicesFile().getParent());
        byte[] garbage = "{\"version\": 1, \"devices\": [ {\"id\": \"dev_0123".getBytes(StandardCharsets.UTF_8);
        Files.write(devicesFile(), garbage);

        FileDeviceRegistry registry = registry();
        assertTrue(registry.list().isEmpty());
        assertFalse("the corrupt file is moved away", Files.exists(devicesFile()));
        Path aside = devicesFile().resolveSibling("devices.json.corrupt-20260301T100000Z");
        assertTrue("kept as " + aside, Files.exists(aside));
        assertArrayEquals(garbage, Files.readAllBytes(aside));

        HealthCheckResult health = registry.check();
        assertEquals("devices", health.name());
        assertEquals(HealthStatus.CRITICAL, health.status());
        assertTrue(health.cause(), health.cause().contains("devices.json.corrupt-20260301T100000Z"));
        assertTrue(health.cause(), health.cause().contains("no paired devices"));
        assertNotNull(health.action());
        assertTrue(health.action(), health.action().contains("Pair your devices again"));
        assertEquals(aside.toString(), health.details().get("keptAs"));

        // the host keeps working: new pairings are stored in a fresh file
        Registration registration = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        assertTrue(Files.exists(devicesFile()));
        assertTrue(registry().authenticate(registration.credential(), null).isPresent());
        assertEquals("a later start is healthy again", HealthStatus.OK, registry().check().status());
    }

    @Test
    public void aSecondCorruptFileGetsItsOwnName() throws IOException {
        Files.createDirectories(devicesFile().getParent());
        Files.writeString(devicesFile(), "not json");
        registry();
        Files.writeString(devicesFile(), "not json either");
        registry();
        assertTrue(Files.exists(devicesFile().resolveSibling("devices.json.corrupt-20260301T100000Z")));
        assertEquals("not json either",
                Files.readString(devicesFile().resolveSibling("devices.json.corrupt-20260301T100000Z-1")));
    }

    @Test
    public void aVersion1RegistryIsUpgradedAndItsTaskRunnersKeepEveryRuntimeAndWorkspace() throws Exception {
        String hash = "ab".repeat(32);
        String other = "cd".repeat(32);
        Files.createDirectories(devicesFile().getParent());
        Files.writeString(devicesFile(), "{\"version\":1,\"devices\":["
                + "{\"id\":\"dev_0123456789ab\",\"name\":\"runner\",\"platform\":\"ios\",\"scopes\":[\"tasks:run\",\"status:read\"],"
                + "\"pairedAt\":\"2026-01-01T00:00:00Z\",\"lastSeenAt\":null,\"lastAddress\":null,\"credentialSha256\":\"" + hash + "\"},"
                + "{\"id\":\"dev_0123456789ac\",\"name\":\"reader\",\"platform\":\"ios\",\"scopes\":[\"status:read\"],"
                + "\"pairedAt\":\"2026-01-01T00:00:00Z\",\"lastSeenAt\":null,\"lastAddress\":null,\"credentialSha256\":\"" + other + "\"}]}");
        FileDeviceRegistry registry = registry();
        assertEquals(HealthStatus.OK, registry.check().status());
        assertEquals(Set.of(Scopes.TASKS_RUN, Scopes.STATUS_READ, Scopes.RUNTIME_ANY, Scopes.WORKSPACE_ANY),
                registry.find("dev_0123456789ab").orElseThrow().scopes());
        assertEquals(Set.of(Scopes.STATUS_READ), registry.find("dev_0123456789ac").orElseThrow().scopes());
        assertTrue("written back in the current format: " + fileContent(), fileContent().contains("\"version\" : 2"));
        assertEquals(registry.list(), registry().list());
    }

    @Test
    public void grantsAreValidatedAndWorkspaceGrantsStoredAsRealPaths() throws Exception {
        FileDeviceRegistry registry = registry();
        Path real = Files.createDirectories(data.resolve("projects").resolve("site")).toRealPath();
        Path link = Files.createSymbolicLink(data.resolve("site-link"), real);
        Device device = registry.register("phone", "ios", Set.of(Scopes.TASKS_RUN, "runtime:shell",
                "workspace:" + link, "workspace:/not/there/yet")).device();
        assertEquals(Set.of(Scopes.TASKS_RUN, "runtime:shell", "workspace:" + real, "workspace:/not/there/yet"), device.scopes());
        for (String bad : List.of("runtime:", "runtime:Shell", "runtime:a b", "workspace:", "workspace:relative",
                "workspace:/a/../b", "workspace:/a/", "tasks:*", "runtimes:shell")) {
            try {
                registry.setScopes(device.id(), Set.of(bad));
                fail("accepted " + bad);
            } catch (HostException e) {
                assertEquals(bad, ErrorCode.INVALID_REQUEST, e.code());
            }
        }
        Set<String> tooMany = new java.util.HashSet<>();
        for (int i = 0; i <= Scopes.MAX_SCOPES; i++) {
            tooMany.add("runtime:r" + i);
        }
        try {
            registry.setScopes(device.id(), tooMany);
            fail("accepted " + tooMany.size() + " scopes");
        } catch (HostException e) {
            assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        }
    }

    @Test
    public void validJsonThatIsNotARegistryIsCorruptToo() throws IOException {
        Files.createDirectories(devicesFile().getParent());
        String hash = "ab".repeat(32);
        String device = "{\"id\":\"dev_0123456789ab\",\"name\":\"x\",\"platform\":\"ios\",\"scopes\":[],"
                + "\"pairedAt\":\"2026-01-01T00:00:00Z\",\"lastSeenAt\":null,\"lastAddress\":null,\"credentialSha256\":\"%s\"}";
        List<String> notRegistries = List.of(
                "[]",
                "null",
                "{\"version\":3,\"devices\":[]}",
                "{\"devices\":[]}",
                "{\"version\":1}",
                "{\"version\":1,\"devices\":[]} trailing",
                "{\"version\":1,\"version\":1,\"devices\":[]}",
                "{\"version\":1,\"devices\":[" + String.format(device, "short") + "]}",
                "{\"version\":1,\"devices\":[" + String.format(device, hash).replace("dev_0123456789ab", "dev_XYZ") + "]}",
                "{\"version\":1,\"devices\":[" + String.format(device, hash).replace("2026-01-01T00:00:00Z", "yesterday") + "]}",
                "{\"version\":1,\"devices\":[" + String.format(device, hash) + "," + String.format(device, "cd".repeat(32)) + "]}");
        for (String content : notRegistries) {
            Files.writeString(devicesFile(), content);
            FileDeviceRegistry registry = registry();
            assertEquals(content, HealthStatus.CRITICAL, registry.check().status());
            assertFalse(content, Files.exists(devicesFile()));
            assertTrue(registry.list().isEmpty());
            assertFalse("the cause never quotes the file: " + registry.check().cause(),
                    registry.check().cause().contains(hash));
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    public void unknownScopesInTheFileGrantNothingButDoNotLoseTheDevice() throws IOException {
        FileDeviceRegistry registry = registry();
        Registration registration = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ));
        Files.writeString(devicesFile(), fileContent().replace("\"status:read\"", "\"status:read\", \"future:scope\""));
        Device reloaded = registry().find(registration.device().id()).orElseThrow();
        assertEquals(Set.of(Scopes.STATUS_READ), reloaded.scopes());
    }

    @Test
    public void healthIsOkWithTheNumberOfDevices() {
        FileDeviceRegistry registry = registry();
        registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        HealthCheckResult health = registry.check();
        assertEquals(HealthStatus.OK, health.status());
        assertEquals(1, health.details().get("devices"));
        assertNull(health.action());
    }

    // --- validation -------------------------------------------------------------------------------

    @Test
    public void unknownScopesAreRefusedNamingTheScopeAndTheValidOnes() {
        FileDeviceRegistry registry = registry();
        HostException e = expectInvalid(() -> registry.register("phone", "ios", Set.of(Scopes.STATUS_READ, "root")));
        assertTrue(e.getMessage(), e.getMessage().contains("'root'"));
        for (String scope : Scopes.ALL) {
            assertTrue(e.action(), e.action().contains(scope));
        }
        assertTrue("nothing was stored", registry.list().isEmpty());

        Device device = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ)).device();
        HostException onChange = expectInvalid(() -> registry.setScopes(device.id(), Set.of("tasks:delete")));
        assertTrue(onChange.getMessage(), onChange.getMessage().contains("tasks:delete"));
        assertEquals("the scopes are unchanged", Set.of(Scopes.STATUS_READ), registry.find(device.id()).orElseThrow().scopes());
        expectInvalid(() -> registry.register("phone", "ios", Set.of()));
        expectInvalid(() -> registry.register("phone", "ios", null));
        expectInvalid(() -> registry.setScopes(device.id(), Set.of()));
    }

    @Test
    public void badNamesAreRefused() {
        FileDeviceRegistry registry = registry();
        List<String> bad = new ArrayList<>(List.of("", "   ", "\t\n", "x".repeat(65), "line\nbreak", "nul\u0000byte",
                "bell\u0007", "del\u007f", "esc\u001b[31mred", "rtl\u202Eoverride", "sep\u2028arator"));
        bad.add(null);
        for (String name : bad) {
            HostException e = expectInvalid(() -> registry.register(name, "ios", Scopes.DEFAULT_DEVICE));
            assertNotNull(e.action());
        }
        assertTrue(registry.list().isEmpty());
        expectInvalid(() -> registry.register("phone", null, Scopes.DEFAULT_DEVICE));
        expectInvalid(() -> registry.register("phone", " ", Scopes.DEFAULT_DEVICE));
        expectInvalid(() -> registry.register("phone", "p".repeat(33), Scopes.DEFAULT_DEVICE));
    }

    @Test
    public void namesAreTrimmedAndMayBeUnicode() {
        FileDeviceRegistry registry = registry();
        assertEquals("Anna's iPhone", registry.register("  Anna's iPhone \n", "ios", Scopes.DEFAULT_DEVICE).device().name());
        String sixtyFourEmoji = "\uD83D\uDCF1".repeat(64);
        assertEquals(sixtyFourEmoji, registry.register(sixtyFourEmoji, "ios", Scopes.DEFAULT_DEVICE).device().name());
        assertEquals("x".repeat(64), registry.register("x".repeat(64), "ios", Scopes.DEFAULT_DEVICE).device().name());
        String accented = registry.register("Zoë's Pixel", "android", Scopes.DEFAULT_DEVICE).device().name();
        assertEquals("survives the file's encoding", List.of("Anna's iPhone", sixtyFourEmoji, "x".repeat(64), accented),
                registry().list().stream().map(Device::name).toList());
    }

    @Test
    public void setScopesReplacesAndPersists() {
        FileDeviceRegistry registry = registry();
        Device device = registry.register("phone", "ios", Set.of(Scopes.STATUS_READ)).device();
        Device changed = registry.setScopes(device.id(), Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ));
        assertEquals(Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ), changed.scopes());
        assertEquals(changed.scopes(), registry().find(device.id()).orElseThrow().scopes());
    }

    @Test
    public void setScopesOfAnUnknownDeviceIsNotFound() {
        FileDeviceRegistry registry = registry();
        for (String id : new String[] {"dev_000000000000", null, "nonsense"}) {
            try {
                registry.setScopes(id, Set.of(Scopes.STATUS_READ));
                fail("expected NOT_FOUND for " + id);
            } catch (HostException e) {
                assertEquals(ErrorCode.NOT_FOUND, e.code());
            }
        }
        assertFalse(registry.revoke(null));
        assertFalse(registry.find(null).isPresent());
    }

    // --- events -----------------------------------------------------------------------------------

    @Test
    public void pairingAndRevocationPostEventsWithTheDeviceId() {
        FileDeviceRegistry registry = registry();
        String id = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE).device().id();
        registry.revoke(id);
        registry.revoke(id); // nothing to revoke: no event
        assertEquals(List.of(
                new RecordingEvents.Posted(HostTopics.DEVICE_PAIRED, Map.of(HostEventProperties.DEVICE_ID, id)),
                new RecordingEvents.Posted(HostTopics.DEVICE_REVOKED, Map.of(HostEventProperties.DEVICE_ID, id))),
                events.posted);
    }

    @Test
    public void refusedRegistrationsPostNothing() {
        FileDeviceRegistry registry = registry();
        try {
            registry.register("phone", "ios", Set.of("nope"));
        } catch (HostException expected) {
            // checked elsewhere
        }
        assertTrue(events.posted.isEmpty());
    }

    // --- last seen --------------------------------------------------------------------------------

    @Test
    public void lastSeenIsWrittenAtMostOncePerMinutePerDevice() throws IOException {
        FileDeviceRegistry registry = registry();
        Registration registration = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        long afterRegister = registry.writes();
        assertEquals(1, afterRegister);
        Instant first = clock.instant();

        // a storm of requests within one minute writes once
        registry.authenticate(registration.credential(), "10.0.0.1");
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(50));
            assertTrue(registry.authenticate(registration.credential(), "10.0.0.2").isPresent());
        }
        assertEquals(afterRegister + 1, registry.writes());
        assertTrue(fileContent().contains(first.toString()));
        assertTrue(fileContent().contains("10.0.0.1"));
        assertEquals("memory is current", clock.instant(),
                registry.find(registration.device().id()).orElseThrow().lastSeenAt());
        assertEquals("10.0.0.2", registry.find(registration.device().id()).orElseThrow().lastAddress());

        // a minute after the last write, the next sighting is written
        clock.set(first.plus(Duration.ofMinutes(1)));
        registry.authenticate(registration.credential(), "10.0.0.3");
        assertEquals(afterRegister + 2, registry.writes());
        Device reloaded = registry().find(registration.device().id()).orElseThrow();
        assertEquals(first.plus(Duration.ofMinutes(1)), reloaded.lastSeenAt());
        assertEquals("10.0.0.3", reloaded.lastAddress());
    }

    @Test
    public void theThrottleIsPerDevice() {
        FileDeviceRegistry registry = registry();
        Registration a = registry.register("a", "ios", Scopes.DEFAULT_DEVICE);
        Registration b = registry.register("b", "ios", Scopes.DEFAULT_DEVICE);
        long before = registry.writes();
        registry.authenticate(a.credential(), null);
        clock.advance(Duration.ofSeconds(1));
        registry.authenticate(b.credential(), null);
        assertEquals("each device's first sighting is written", before + 2, registry.writes());
    }

    @Test
    public void registrationAndRevocationAreWrittenAtOnceEvenDuringAStorm() {
        FileDeviceRegistry registry = registry();
        Registration a = registry.register("a", "ios", Scopes.DEFAULT_DEVICE);
        registry.authenticate(a.credential(), null);
        long before = registry.writes();
        Registration b = registry.register("b", "ios", Scopes.DEFAULT_DEVICE);
        assertEquals(before + 1, registry.writes());
        assertTrue(registry().find(b.device().id()).isPresent());
        registry.revoke(a.device().id());
        assertEquals(before + 2, registry.writes());
        assertFalse(registry().find(a.device().id()).isPresent());
    }

    @Test
    public void stoppingWritesSightingsNotYetOnDisk() {
        FileDeviceRegistry registry = registry();
        Registration registration = registry.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        registry.authenticate(registration.credential(), "10.0.0.1");
        clock.advance(Duration.ofSeconds(10));
        registry.authenticate(registration.credential(), "10.0.0.9");
        assertNotEquals(clock.instant(), registry().find(registration.device().id()).orElseThrow().lastSeenAt());

        registry.deactivate();
        Device reloaded = registry().find(registration.device().id()).orElseThrow();
        assertEquals(clock.instant(), reloaded.lastSeenAt());
        assertEquals("10.0.0.9", reloaded.lastAddress());
    }

    @Test
    public void concurrentUseKeepsEveryDevice() throws Exception {
        FileDeviceRegistry registry = registry();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Registration>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    Registration r = registry.register("device " + n, "cli", Scopes.DEFAULT_DEVICE);
                    for (int k = 0; k < 50; k++) {
                        assertTrue(registry.authenticate(r.credential(), "10.0.0." + n).isPresent());
                    }
                    return r;
                }));
            }
            List<Registration> registrations = new ArrayList<>();
            for (Future<Registration> future : futures) {
                registrations.add(future.get());
            }
            FileDeviceRegistry reloaded = registry();
            assertEquals(20, reloaded.list().size());
            for (Registration r : registrations) {
                assertTrue(reloaded.authenticate(r.credential(), null).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static HostException expectInvalid(Runnable action) {
        try {
            action.run();
        } catch (HostException e) {
            assertEquals(e.getMessage(), ErrorCode.INVALID_REQUEST, e.code());
            return e;
        }
        throw new AssertionError("expected INVALID_REQUEST");
    }
}
