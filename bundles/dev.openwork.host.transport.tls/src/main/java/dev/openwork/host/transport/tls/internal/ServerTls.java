package dev.openwork.host.transport.tls.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.lang.management.ManagementFactory;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server side of TLS as requirement 8 of SECURITY.md asks: TLS 1.3 only, the host key and
 * certificate. The key stays in memory: the key store is built per connector and its password is
 * random, because nothing ever reads the store back from disk.
 */
final class ServerTls {

    static final String PROTOCOL = "TLSv1.3";
    /** Named as well as left out of the include list, so that no default can bring them back. */
    static final String[] OLDER_PROTOCOLS = {"SSLv2", "SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"};
    static final String ALIAS = "host";
    /** The TLS 1.3 cipher suites in the JDK's own order: AES-GCM first. */
    static final String[] AES_FIRST = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"};
    /** The same suites, ChaCha20-Poly1305 first. */
    static final String[] CHACHA_FIRST = {"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    /**
     * The suites in the server's order of preference for this JVM. AES-GCM is fast only where the
     * JVM's optimizing compiler (C2) turns it into AES-NI and carry-less multiply instructions;
     * with the quick-start compiler alone (the launcher's {@code -XX:TieredStopAtLevel=1}) it
     * runs as plain Java at about 30 MB/s, six times slower than ChaCha20-Poly1305 there, and
     * encrypting task output became most of the cost of streaming it (see docs/benchmarks.md).
     */
    static final String[] CIPHER_SUITES = optimizingCompiler(ManagementFactory.getRuntimeMXBean().getInputArguments())
            ? AES_FIRST : CHACHA_FIRST;

    private ServerTls() {
    }

    static SslContextFactory.Server sslContextFactory(PrivateKey key, X509Certificate certificate, SecureRandom random) {
        return sslContextFactory(key, certificate, random, CIPHER_SUITES);
    }

    /** @param cipherSuites TLS 1.3 suites, the server's choice first (it picks, not the client) */
    static SslContextFactory.Server sslContextFactory(PrivateKey key, X509Certificate certificate, SecureRandom random,
            String[] cipherSuites) {
        String password = randomPassword(random);
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keyStore(key, certificate, password.toCharArray()));
        factory.setKeyStorePassword(password);
        factory.setKeyManagerPassword(password);
        factory.setCertAlias(ALIAS);
        factory.setIncludeProtocols(PROTOCOL);
        factory.setExcludeProtocols(OLDER_PROTOCOLS);
        // Clients connect by IP address, and then send no SNI.
        factory.setSniRequired(false);
        factory.setRenegotiationAllowed(false);
        factory.setNeedClientAuth(false);
        factory.setIncludeCipherSuites(cipherSuites);
        factory.setUseCipherSuitesOrder(true);
        return factory;
    }

    /**
     * Whether the JVM these arguments started compiles hot code with C2 and may use the AES
     * intrinsics: not with {@code -Xint}, a {@code -XX:TieredStopAtLevel} below 4, or the AES
     * intrinsics switched off. The last of repeated flags counts, as in the JVM.
     */
    static boolean optimizingCompiler(List<String> jvmArguments) {
        boolean interpreted = false;
        int stopAtLevel = 4;
        boolean aesIntrinsics = true;
        for (String argument : jvmArguments) {
            if (argument.equals("-Xint")) {
                interpreted = true;
            } else if (argument.equals("-Xmixed")) {
                interpreted = false;
            } else if (argument.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    stopAtLevel = Integer.parseInt(argument.substring("-XX:TieredStopAtLevel=".length()).trim());
                } catch (NumberFormatException e) {
                    // the JVM would not have started with it
                }
            } else if (argument.equals("-XX:-UseAESIntrinsics") || argument.equals("-XX:-UseAES")) {
                aesIntrinsics = false;
            } else if (argument.equals("-XX:+UseAESIntrinsics") || argument.equals("-XX:+UseAES")) {
                aesIntrinsics = true;
            }
        }
        return !interpreted && stopAtLevel >= 4 && aesIntrinsics;
    }

    static KeyStore keyStore(PrivateKey key, X509Certificate certificate, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            // The store never leaves memory and its password is random: one PBKDF2 round instead of
            // the JDK's 10,000 on the way in and again out (about 25-100 ms of start-up on C1 code).
            store.setEntry(ALIAS, new KeyStore.PrivateKeyEntry(key, new Certificate[] {certificate}),
                    new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256",
                            new PBEParameterSpec(new byte[16], 1)));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the in-memory key store: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String randomPassword(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
