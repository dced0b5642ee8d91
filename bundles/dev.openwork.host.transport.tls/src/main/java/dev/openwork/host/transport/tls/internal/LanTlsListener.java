package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.identity.LanEndpoint;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one TLS connector per served address, all on one port and all with a certificate that
 * names exactly those addresses. Run on every configuration change and every rescan; when the set
 * of addresses (or the certificate) changes, every connector is replaced, because each carries
 * its certificate. Connectors exist only as {@link ConnectorPublisher} registrations, so nothing
 * here touches Jetty's other listeners.
 */
final class LanTlsListener {

    /** Makes a connector factory visible to Jetty; the returned handle withdraws it. */
    @FunctionalInterface
    interface ConnectorPublisher {
        Runnable publish(TlsConnectorFactory factory);
    }

    /** The machine's interfaces now; an interface so that tests can describe any network. */
    @FunctionalInterface
    interface Interfaces {
        List<InterfaceSnapshot> current() throws SocketException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LanTlsListener.class);

    private final HostKey key;
    private final String hostName;
    private final HostCertificates certificates;
    private final Interfaces interfaces;
    private final ConnectorPublisher publisher;
    private final IntSupplier freePort;
    private final SecureRandom random;

    // guarded by this
    private ListenerSettings settings;
    private int port = -1;
    private List<InetAddress> served = List.of();
    private X509Certificate servedCertificate;
    private final List<Runnable> withdrawals = new ArrayList<>();
    private List<Problem> networkProblems = List.of();
    private Problem portProblem;
    private boolean closed;

    // read without the lock by status() and endpoints()
    private volatile List<TlsConnectorFactory> factories = List.of();
    private volatile List<Problem> problems = List.of();
    private volatile boolean enabled;

    LanTlsListener(HostKey key, String hostName, HostCertificates certificates, Interfaces interfaces,
            ConnectorPublisher publisher, IntSupplier freePort, SecureRandom random) {
        this.key = key;
        this.hostName = hostName;
        this.certificates = certificates;
        this.interfaces = interfaces;
        this.publisher = publisher;
        this.freePort = freePort;
        this.random = random;
    }

    /** Applies new settings now. A configured port 0 keeps the port picked earlier in this activation. */
    synchronized void configure(ListenerSettings newSettings) {
        if (closed) {
            return;
        }
        int newPort;
        portProblem = null;
        if (newSettings.port() != 0) {
            newPort = newSettings.port();
        } else if (port > 0 && settings != null && settings.port() == 0) {
            newPort = port;
        } else {
            try {
                newPort = freePort.getAsInt();
            } catch (RuntimeException e) {
                LOG.warn("TLS listener: cannot find a free port", e);
                newPort = -1;
                portProblem = new Problem("No free TCP port could be found for the TLS listener.",
                        "Set a fixed port in " + Problem.CONFIG_FILE + ".");
            }
        }
        boolean portChanged = newPort != port;
        settings = newSettings;
        port = newPort;
        enabled = newSettings.enabled();
        for (Problem problem : newSettings.problems()) {
            LOG.warn("TLS listener configuration: {}", problem.cause());
        }
        refresh(portChanged);
    }

    /** Looks at the interfaces again and follows them. */
    synchronized void rescan() {
        if (!closed && settings != null) {
            refresh(false);
        }
    }

    /** Withdraws every connector; later calls do nothing. */
    synchronized void close() {
        closed = true;
        withdrawAll();
        served = List.of();
    }

    /** Endpoints with a connector that accepts connections now. */
    List<LanEndpoint> endpoints() {
        return factories.stream().filter(f -> f.state() == TlsConnectorFactory.State.LISTENING)
                .map(TlsConnectorFactory::endpoint).toList();
    }

    TlsStatus status() {
        X509Certificate certificate = certificates.current();
        return new TlsStatus(null, key.spkiSha256(), hostName,
                certificate == null ? null : certificate.getNotAfter().toInstant(), enabled,
                factories.stream().map(f -> new TlsStatus.Endpoint(f.endpoint(), f.state(), f.failure())).toList(),
                problems);
    }

    private void refresh(boolean republish) {
        List<InetAddress> addresses = List.of();
        List<Problem> scanProblems = List.of();
        if (settings.enabled() && port >= 0) {
            try {
                LanAddresses.Selection selection = LanAddresses.select(settings, interfaces.current());
                addresses = selection.addresses();
                scanProblems = selection.problems();
            } catch (SocketException e) {
                // keep serving what we served: a failed look is no evidence that the network is gone
                addresses = served;
                scanProblems = List.of(new Problem("The network interfaces cannot be listed (" + e.getMessage() + ").",
                        "See data/log/host.log; the listener keeps its addresses until the next scan succeeds."));
            }
        }
        if (!scanProblems.equals(networkProblems)) {
            scanProblems.forEach(p -> LOG.warn("TLS listener: {}", p.cause()));
            networkProblems = scanProblems;
        }

        Problem certificateProblem = null;
        X509Certificate certificate;
        try {
            certificate = certificates.ensure(hostName, addresses, !addresses.isEmpty());
        } catch (IllegalStateException e) {
            LOG.error("Cannot issue the host certificate; the TLS listener is closed", e);
            certificateProblem = new Problem("The host certificate cannot be issued (" + e.getMessage() + ").",
                    "See data/log/host.log.");
            certificate = null;
            addresses = List.of();
        }
        if (republish || !addresses.equals(served) || certificate != servedCertificate) {
            withdrawAll();
            List<TlsConnectorFactory> published = new ArrayList<>();
            for (InetAddress address : addresses) {
                TlsConnectorFactory factory = new TlsConnectorFactory(
                        new LanEndpoint(address.getHostAddress(), port), key.keyPair().getPrivate(), certificate, random);
                withdrawals.add(publisher.publish(factory));
                published.add(factory);
            }
            factories = List.copyOf(published);
            served = addresses;
            servedCertificate = certificate;
            LOG.info("TLS listener for the LAN: {}", addresses.isEmpty() ? "no address to serve"
                    : published.stream().map(f -> f.endpoint().authority() + " " + f.state()).toList());
        }

        List<Problem> all = new ArrayList<>(settings.problems());
        if (portProblem != null) {
            all.add(portProblem);
        }
        all.addAll(scanProblems);
        if (certificateProblem != null) {
            all.add(certificateProblem);
        }
        if (certificates.storageProblem() != null) {
            all.add(certificates.storageProblem());
        }
        problems = List.copyOf(all);
    }

    private void withdrawAll() {
        // Withdraw before publishing again: a new connector on the same address and port can only
        // bind once the old one has let go, and Jetty stops it within the withdrawal.
        for (Runnable withdrawal : withdrawals) {
            try {
                withdrawal.run();
            } catch (RuntimeException e) {
                LOG.debug("Withdrawing a TLS connector failed", e);
            }
        }
        withdrawals.clear();
        factories = List.of();
    }
}
