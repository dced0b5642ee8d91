package dev.openwork.host.transport.http.internal;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.osgi.service.component.annotations.Component;

/**
 * Installs {@link ProtocolErrorHandler} as the error handler of Felix's Jetty server, which serves
 * both the loopback listener and the LAN TLS connectors, so protocol errors on either answer with
 * the typed JSON error.
 *
 * <p>Felix's {@code http.jetty12} offers no hook to configure the {@link Server} it creates except
 * the {@link ConnectorFactory} whiteboard: it hands every factory the server, after each (re)start
 * of Jetty. So this is a connector factory whose connector is a {@link LocalConnector} without
 * acceptor threads: it binds no port and takes no thread, it only exists so that the handler is
 * installed on every server Felix starts and withdrawn with this bundle.
 */
@Component(service = ConnectorFactory.class)
public final class ProtocolErrorsOnJetty implements ConnectorFactory {

    static final String CONNECTOR_NAME = "openwork-protocol-errors";

    @Override
    public Connector createConnector(Server server) {
        Request.Handler previous = server.getErrorHandler();
        ProtocolErrorHandler handler = new ProtocolErrorHandler();
        server.setErrorHandler(handler);
        LocalConnector connector = new LocalConnector(server, null, null, null, 0, new HttpConnectionFactory());
        connector.setName(CONNECTOR_NAME);
        connector.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                // Withdrawn while Jetty keeps running (this bundle stops or is updated): give the
                // server back the handler it had, so no request meets a handler of a stopped bundle.
                if (server.isRunning() && server.getErrorHandler() == handler) {
                    server.setErrorHandler(previous);
                }
            }
        });
        return connector;
    }
}
