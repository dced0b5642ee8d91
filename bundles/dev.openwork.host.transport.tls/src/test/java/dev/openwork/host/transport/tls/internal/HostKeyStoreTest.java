package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class HostKeyStoreTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private HostKeyStore store(Path dir) {
        return new HostKeyStore(dir, new SecureRandom());
    }

    @Test
    public void firstStartCreatesAP256KeyAndAnIdReadableByTheOwnerOnly() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("identity");
        HostKey key = store(dir).loadOrCreate();

        assertTrue(key.hostId().matches("[0-9a-f]{16}"));
        assertEquals(key.hostId() + "\n", Files.readString(dir.resolve(HostKeyStore.ID_FILE)));
        String pem = Files.readString(dir.resolve(HostKeyStore.KEY_FILE), StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"));
        ECPublicKey publicKey = (ECPublicKey) key.keyPair().getPublic();
        assertEquals(256, publicKey.getParams().getCurve().getField().getFieldSize());

        assumeTrue(OwnerOnlyFiles.isPosix(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(HostKeyStore.KEY_FILE))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(HostKeyStore.ID_FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (var files = Files.list(dir)) {
            assertEquals("no temporary file is left behind", 2, files.count());
        }
    }

    @Test
    public void laterStartsReuseTheKeyAndTheId() throws Exception {
        Path dir = temp.getRoot().toPath();
        HostKey first = store(dir).loadOrCreate();
        byte[] storedKey = Files.readAllBytes(dir.resolve(HostKeyStore.KEY_FILE));

        HostKey second = store(dir).loadOrCreate();

        assertEquals(first.spkiSha256(), second.spkiSha256());
        assertEquals(first.hostId(), second.hostId());
        assertArrayEquals(first.keyPair().getPublic().getEncoded(), second.keyPair().getPublic().getEncoded());
        assertArrayEquals(storedKey, Files.readAllBytes(dir.resolve(HostKeyStore.KEY_FILE)));
        // the rebuilt public key belongs to the stored private key
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(second.keyPair().getPrivate());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(first.keyPair().getPublic());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    public void fingerprintIsTheSha256OfTheSubjectPublicKeyInfo() throws Exception {
        HostKey key = store(temp.getRoot().toPath()).loadOrCreate();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.keyPair().getPublic().getEncoded());
        assertEquals(HexFormat.of().formatHex(digest), key.spkiSha256());
        assertTrue(key.spkiSha256().matches("[0-9a-f]{64}"));
        assertFalse("toString never shows the private key", key.toString().contains("PrivateKey"));
    }

    @Test
    public void anUnreadableKeyIsReportedAndNeverReplaced() throws Exception {
        Path dir = temp.getRoot().toPath();
        store(dir).loadOrCreate();
        Path keyFile = dir.resolve(HostKeyStore.KEY_FILE);
        byte[] broken = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(keyFile, broken);
        try {
            store(dir).loadOrCreate();
            fail("a broken key must not be used");
        } catch (HostKeyStore.UnreadableIdentityException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(HostKeyStore.KEY_FILE));
        }
        assertArrayEquals(broken, Files.readAllBytes(keyFile));
    }

    @Test
    public void aKeyOthersCouldReadIsRestricted() throws Exception {
        Path dir = temp.getRoot().toPath();
        assumeTrue(OwnerOnlyFiles.isPosix(dir));
        HostKey first = store(dir).loadOrCreate();
        Path keyFile = dir.resolve(HostKeyStore.KEY_FILE);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(first.spkiSha256(), store(dir).loadOrCreate().spkiSha256());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @Test
    public void aMalformedIdIsReported() throws Exception {
        Path dir = temp.getRoot().toPath();
        store(dir).loadOrCreate();
        Files.writeString(dir.resolve(HostKeyStore.ID_FILE), "not-an-id\n");
        try {
            store(dir).loadOrCreate();
            fail("a malformed id must not be used");
        } catch (HostKeyStore.UnreadableIdentityException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(HostKeyStore.ID_FILE));
        }
    }
}
