package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

import org.osgi.service.event.EventAdmin;

/**
 * Turns TLS handshakes on the LAN listener into events: a completed handshake is a connection, a
 * failed one (a TLS 1.2 client, a client that rejected the host key, a scanner) a connection
 * failure. The cause is the exception's type only: its message may echo what a peer sent.
 */
final class HandshakeEvents implements SslHandshakeListener {

    private final Supplier<EventAdmin> eventAdmin;

    HandshakeEvents(Supplier<EventAdmin> eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public void handshakeSucceeded(Event event) {
        post(HostTopics.CLIENT_CONNECTED, Map.of(HostEventProperties.KIND, "tls"));
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        post(HostTopics.CLIENT_FAILED, Map.of(HostEventProperties.REASON, HostEventProperties.REASON_TLS_HANDSHAKE,
                HostEventProperties.CAUSE, "TLS handshake failed (" + failure.getClass().getSimpleName() + ")"));
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin events = eventAdmin.get();
        if (events != null) {
            try {
                events.postEvent(new org.osgi.service.event.Event(topic, properties));
            } catch (RuntimeException gone) {
                // EventAdmin stopping: the connection is unaffected
            }
        }
    }
}
