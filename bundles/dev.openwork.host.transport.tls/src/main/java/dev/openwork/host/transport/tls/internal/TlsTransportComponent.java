package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.identity.HostIdentity;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the host's identity and its TLS listener for the LAN, and reports on both as the
 * {@code tls} check. The {@link HostIdentity} service is registered by hand, only once the key is
 * loaded, as its contract says; the check is registered always, so that an unreadable key shows
 * up as a critical check rather than as a component that silently failed.
 */
// The services registered by hand, declared so that resolvers and the manifest see them.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.openwork.host.api.identity.HostIdentity\"",
        uses = HostIdentity.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.apache.felix.http.jetty.ConnectorFactory\"",
        uses = ConnectorFactory.class)
@Component(service = HealthCheck.class, configurationPid = TlsTransportComponent.PID,
        property = HealthCheck.NAME + "=" + TlsHealthCheck.NAME)
@Designate(ocd = TlsTransportComponent.Config.class)
public final class TlsTransportComponent implements HealthCheck {

    static final String PID = "dev.openwork.host.transport.tls";
    static final boolean DEFAULT_ENABLED = true;
    static final int DEFAULT_PORT = 4748;
    static final int DEFAULT_RESCAN_SECONDS = 30;
    static final String IDENTITY_DIRECTORY = "identity";
    private static final Logger LOG = LoggerFactory.getLogger(TlsTransportComponent.class);

    @ObjectClassDefinition(name = "OpenWork Host TLS listener",
            description = "The TLS 1.3 listener through which devices on the LAN reach the host. The host key and"
                    + " certificate live in data/identity; the plain HTTP listener on 127.0.0.1 is not affected.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Listen on the LAN at all.")
        boolean enabled() default DEFAULT_ENABLED;

        @AttributeDefinition(name = "Port", description = "TCP port on every address; 0 picks a free port at each start.",
                min = "0", max = "65535")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Addresses", required = false,
                description = "IP addresses to listen on (loopback allowed). Empty: every address of every interface"
                        + " that is up, except loopback and IPv6 link-local addresses.")
        String[] addresses() default {};

        @AttributeDefinition(name = "Include interfaces", required = false,
                description = "When no addresses are listed: scan only these interfaces (e.g. eth0). Empty: all.")
        String[] includeInterfaces() default {};

        @AttributeDefinition(name = "Exclude interfaces", required = false,
                description = "When no addresses are listed: never scan these interfaces (e.g. docker0).")
        String[] excludeInterfaces() default {};

        @AttributeDefinition(name = "Rescan (s)", description = "How often interfaces are looked at again.",
                min = "1", max = "86400")
        int rescanSeconds() default DEFAULT_RESCAN_SECONDS;
    }

    /** Framework properties the launcher sets from --lan-address and --lan-port. */
    static final String LAN_ADDRESSES_PROPERTY = "openwork.lan.addresses";
    static final String LAN_PORT_PROPERTY = "openwork.lan.port";

    private final String hostName;
    private Map<String, Object> frameworkDefaults = Map.of();
    private final LanTlsListener listener;
    private final String keyProblem;
    private final ServiceRegistration<HostIdentity> identityRegistration;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> rescans;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;
    private final HandshakeEvents handshakeEvents = new HandshakeEvents(() -> eventAdmin);
    private int rescanSeconds;

    @Activate
    public TlsTransportComponent(@Reference HostInfo hostInfo, BundleContext context, Map<String, Object> properties) {
        this.hostName = HostNames.localHostName();
        Path identityDirectory = hostInfo.dataDirectory().resolve(IDENTITY_DIRECTORY);
        SecureRandom random = new SecureRandom();
        HostKey key = null;
        String problem = null;
        try {
            key = new HostKeyStore(identityDirectory, random).loadOrCreate();
        } catch (HostKeyStore.UnreadableIdentityException e) {
            problem = e.getMessage();
            LOG.error("The host identity cannot be used; the TLS listener stays closed: {}", problem);
        }
        this.keyProblem = problem;
        if (key == null) {
            this.listener = null;
            this.identityRegistration = null;
            this.scheduler = null;
            return;
        }
        this.listener = new LanTlsListener(key, hostName,
                new HostCertificates(identityDirectory, key.keyPair(), random, Clock.systemUTC()),
                InterfaceSnapshot::current, factory -> publish(context, factory, handshakeEvents), FreePorts::pick, random);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openwork-tls-rescan");
            thread.setDaemon(true);
            return thread;
        });
        this.frameworkDefaults = frameworkDefaults(context);
        ListenerSettings settings = ListenerSettings.from(withDefaults(properties));
        apply(settings);
        schedule(settings.rescanSeconds());
        this.identityRegistration = context.registerService(HostIdentity.class,
                new HostIdentityService(key, hostName, listener::endpoints), null);
        LOG.info("Host identity {} ({}), SPKI SHA-256 {}", key.hostId(), hostName, key.spkiSha256());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        if (listener == null) {
            return;
        }
        ListenerSettings settings = ListenerSettings.from(withDefaults(properties));
        apply(settings);
        schedule(settings.rescanSeconds());
    }

    /**
     * The launcher may give defaults as framework properties ({@code --lan-address}, {@code --lan-port}):
     * they hold before FileInstall delivers etc/, so a test or build run never binds the real network
     * even for a moment. A configuration file still wins.
     */
    private static Map<String, Object> frameworkDefaults(BundleContext context) {
        Map<String, Object> defaults = new java.util.HashMap<>();
        String addresses = context.getProperty(LAN_ADDRESSES_PROPERTY);
        String port = context.getProperty(LAN_PORT_PROPERTY);
        if (addresses != null && !addresses.isBlank()) {
            defaults.put("addresses", addresses);
        }
        if (port != null && !port.isBlank()) {
            defaults.put("port", port);
        }
        return defaults;
    }

    private Map<String, Object> withDefaults(Map<String, Object> properties) {
        Map<String, Object> merged = new java.util.HashMap<>(frameworkDefaults);
        properties.forEach((key, value) -> {
            if (!isBlankList(value)) {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static boolean isBlankList(Object value) {
        return value instanceof String[] array && array.length == 0;
    }

    /** A listener that cannot be configured must still leave the identity and the check running. */
    private void apply(ListenerSettings settings) {
        try {
            listener.configure(settings);
        } catch (RuntimeException e) {
            LOG.error("Configuring the TLS listener failed; the next rescan tries again", e);
        }
    }

    @Deactivate
    void deactivate() {
        if (identityRegistration != null) {
            try {
                identityRegistration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Override
    public HealthCheckResult check() {
        TlsStatus status = listener != null ? listener.status() : TlsStatus.unreadableKey(keyProblem, hostName);
        return TlsHealthCheck.evaluate(status, Instant.now());
    }

    private synchronized void schedule(int seconds) {
        if (rescans != null && seconds == rescanSeconds) {
            return;
        }
        if (rescans != null) {
            rescans.cancel(false);
        }
        rescanSeconds = seconds;
        rescans = scheduler.scheduleWithFixedDelay(this::rescan, seconds, seconds, TimeUnit.SECONDS);
    }

    private void rescan() {
        try {
            listener.rescan();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            LOG.warn("Rescanning the network for the TLS listener failed", e);
        }
    }

    private static Runnable publish(BundleContext context, TlsConnectorFactory factory, HandshakeEvents handshakes) {
        factory.reportHandshakesTo(handshakes);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("openwork.tls.endpoint", factory.endpoint().authority());
        ServiceRegistration<ConnectorFactory> registration =
                context.registerService(ConnectorFactory.class, factory, properties);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        };
    }
}
