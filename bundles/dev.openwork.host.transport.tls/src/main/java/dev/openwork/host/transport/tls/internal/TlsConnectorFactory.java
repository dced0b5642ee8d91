package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.identity.LanEndpoint;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * One TLS connector for one address, handed to Felix's Jetty as a whiteboard service: Jetty adds
 * it to the server that already runs the plain loopback listener, so both serve the same
 * application, and removes it when the service goes away. Jetty may call {@link #createConnector}
 * again after it restarts; the state follows whichever connector it made last.
 */
final class TlsConnectorFactory implements ConnectorFactory {

    /** Where a connector of this factory is in its life. */
    enum State {
        /** Registered; Jetty has not started a connector yet (is the web server running?). */
        WAITING,
        LISTENING,
        /** Jetty stopped the connector, e.g. because the web server stopped. */
        STOPPED,
        /** The connector could not start, e.g. the port is taken; see {@link #failure()}. */
        FAILED
    }

    private final LanEndpoint endpoint;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final SecureRandom random;
    private volatile State state = State.WAITING;
    private volatile SslHandshakeListener handshakes;
    private volatile String failure;

    TlsConnectorFactory(LanEndpoint endpoint, PrivateKey key, X509Certificate certificate, SecureRandom random) {
        this.endpoint = endpoint;
        this.key = key;
        this.certificate = certificate;
        this.random = random;
    }

    @Override
    public Connector createConnector(Server server) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSecureScheme("https");
        http.setSecurePort(endpoint.port());
        // Host must match a name of the certificate (a foreign Host header gets 400); SNI is not
        // required because clients that connect by IP address send none; no HSTS for a LAN host.
        // The REST layer checks the Host header itself and answers with the typed JSON error;
        // Jetty's own SNI host check would answer first, with an HTML page.
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));

        SslConnectionFactory tls = new SslConnectionFactory(ServerTls.sslContextFactory(key, certificate, random),
                HttpVersion.HTTP_1_1.asString());
        SslHandshakeListener listener = handshakes;
        if (listener != null) {
            tls.addBean(listener); // each TLS connection reports its handshake to it
        }
        ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        connector.setName("openwork-tls-" + endpoint.authority());
        connector.setHost(endpoint.address());
        connector.setPort(endpoint.port());
        connector.addEventListener(new StateListener());
        return connector;
    }

    /** Who hears of each handshake of the connectors made from now on. */
    void reportHandshakesTo(SslHandshakeListener listener) {
        this.handshakes = listener;
    }

    LanEndpoint endpoint() {
        return endpoint;
    }

    State state() {
        return state;
    }

    /** Why the last connector failed to start, or {@code null}. */
    String failure() {
        return failure;
    }

    private final class StateListener implements LifeCycle.Listener {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
            failure = null;
        }

        @Override
        public void lifeCycleStarted(LifeCycle event) {
            state = State.LISTENING;
        }

        @Override
        public void lifeCycleFailure(LifeCycle event, Throwable cause) {
            failure = cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
            state = State.FAILED;
        }

        @Override
        public void lifeCycleStopped(LifeCycle event) {
            if (state != State.FAILED) {
                state = State.STOPPED;
            }
        }
    }
}
