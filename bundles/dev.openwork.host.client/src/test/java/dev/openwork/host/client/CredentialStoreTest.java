package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CredentialStoreTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static KnownHost host(String id, String name, String credential) {
        return new KnownHost(id, name, "192.168.1.20", 4748, "ab".repeat(32), "dev_" + id, credential,
                List.of("status:read", "tasks:run"), Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Before
    public void posixOnly() {
        Assume.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    @Test
    public void locatesTheStoreFromTheEnvironment() {
        assertEquals(Path.of("/tmp/x"), CredentialStore.defaultDirectory(Map.of("OWCTL_CONFIG_DIR", "/tmp/x", "XDG_CONFIG_HOME", "/c")));
        assertEquals(Path.of("/c/openwork"), CredentialStore.defaultDirectory(Map.of("XDG_CONFIG_HOME", "/c", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/openwork"), CredentialStore.defaultDirectory(Map.of("XDG_CONFIG_HOME", "rel", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/openwork"), CredentialStore.defaultDirectory(Map.of("HOME", "/h")));
    }

    @Test
    public void createsOwnerOnlyFolderAndFileAndRoundTrips() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("config/openwork");
        CredentialStore store = new CredentialStore(dir);
        assertTrue(store.list().isEmpty());
        store.save(host("h1", "alpha", "secret-credential-1"));
        store.save(host("h2", "beta", "secret-credential-2"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertFalse(store.readableByOthers());

        CredentialStore reread = new CredentialStore(dir);
        assertEquals(List.of(host("h1", "alpha", "secret-credential-1"), host("h2", "beta", "secret-credential-2")),
                reread.list());
        assertEquals("h2", reread.find("BETA").orElseThrow().hostId());
        assertEquals("h1", reread.find("h1").orElseThrow().hostId());
        assertTrue(reread.find("nothing").isEmpty());

        store.save(host("h1", "alpha", "secret-credential-3"));
        assertEquals("secret-credential-3", store.find("h1").orElseThrow().credential());
        assertEquals(2, store.list().size());
        assertTrue(store.remove("h1"));
        assertFalse(store.remove("h1"));
        assertEquals(List.of("h2"), store.list().stream().map(KnownHost::hostId).toList());
        assertFalse(host("h9", "x", "secret-credential-9").toString().contains("secret-credential-9"));
    }

    @Test
    public void tightensAFolderThatWasTooOpen() throws Exception {
        Path dir = temp.newFolder("open").toPath();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        CredentialStore store = new CredentialStore(dir);
        assertTrue(store.readableByOthers());
        store.save(host("h1", "alpha", "secret-credential-1"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertFalse(store.readableByOthers());
    }

    @Test
    public void writesAtomicallyByReplacingTheFile() throws Exception {
        Path dir = temp.newFolder("atomic").toPath();
        CredentialStore store = new CredentialStore(dir);
        store.save(host("h1", "alpha", "secret-credential-1"));
        Object before = Files.readAttributes(store.file(), BasicFileAttributes.class).fileKey();
        try (InputStream reader = Files.newInputStream(store.file())) {
            store.save(host("h2", "beta", "secret-credential-2"));
            // a reader that opened the old file still reads the whole old file: it was replaced, not rewritten
            String old = new String(reader.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(old.contains("\"h1\""));
            assertFalse(old.contains("\"h2\""));
        }
        Object after = Files.readAttributes(store.file(), BasicFileAttributes.class).fileKey();
        if (before != null) {
            assertNotEquals("the file must be a new inode moved into place", before, after);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals("no temporary file may stay behind", List.of(".hosts.json.lock", "hosts.json"), names);
        }
    }

    @Test
    public void refusesADamagedFileWithoutOverwritingIt() throws Exception {
        Path dir = temp.newFolder("bad").toPath();
        Files.writeString(dir.resolve("hosts.json"), "{\"version\":1,\"hosts\":[{\"hostId\":");
        CredentialStore store = new CredentialStore(dir);
        try {
            store.save(host("h1", "alpha", "secret-credential-1"));
            fail("a damaged store must not be replaced silently");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.LOCAL_FILE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("not valid"));
        }
        assertEquals("{\"version\":1,\"hosts\":[{\"hostId\":", Files.readString(dir.resolve("hosts.json")));
    }
}
