package dev.openwork.host.client.internal;

import dev.openwork.host.client.HostAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** TLS 1.3 only, trust decided by one trust manager. */
public final class Tls {

    public static final String PROTOCOL = "TLSv1.3";

    private Tls() {
    }

    public static SSLContext context(X509ExtendedTrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, new TrustManager[] {trust}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no TLS 1.3", e);
        }
    }

    /** TLS 1.3 only; no endpoint identification (the trust manager pins the key instead). */
    public static SSLParameters parameters(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setEndpointIdentificationAlgorithm(null);
        return parameters;
    }

    public static HttpClient httpClient(X509ExtendedTrustManager trust, Duration connectTimeout) {
        SSLContext context = context(trust);
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(context)
                .sslParameters(parameters(context))
                .build();
    }

    public static HttpClient plainHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Runs one TLS handshake with {@code address} (no HTTP), so the trust manager sees the host's key. */
    public static void handshake(HostAddress address, X509ExtendedTrustManager trust, Duration timeout) throws IOException {
        SSLContext context = context(trust);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
            socket.setSoTimeout(millis);
            socket.setSSLParameters(parameters(context));
            socket.startHandshake();
        }
    }
}
