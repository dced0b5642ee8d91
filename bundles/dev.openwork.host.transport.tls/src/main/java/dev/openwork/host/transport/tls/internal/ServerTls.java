package dev.openwork.host.transport.tls.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
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

    private ServerTls() {
    }

    static SslContextFactory.Server sslContextFactory(PrivateKey key, X509Certificate certificate, SecureRandom random) {
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
        return factory;
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
