package dev.openwork.host.discovery.manual.internal;

import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.identity.LanEndpoint;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the host without multicast while discovery mode is {@code manual}: the addresses an
 * admin configured (or, when none are, the TLS listener's own) become connect links
 * {@code openwork-host://<addr>:<port>?fp=<fingerprint>} that the console and the web page show
 * with a QR code.
 */
@Component(service = {}, immediate = true, configurationPid = {DiscoveryMode.PID, ManualSettings.PID})
public final class ManualDiscovery implements HostAnnouncement {

    private static final Logger LOG = LoggerFactory.getLogger(ManualDiscovery.class);

    private final BundleContext context;
    private final HostIdentity identity;
    private final String frameworkDefault;
    private volatile ManualSettings settings;
    private ServiceRegistration<HostAnnouncement> registration; // guarded by this

    @Activate
    public ManualDiscovery(BundleContext context, @Reference HostIdentity identity, Map<String, Object> config) {
        this.context = context;
        this.identity = identity;
        this.frameworkDefault = context.getProperty(DiscoveryMode.FRAMEWORK_PROPERTY);
        apply(config);
    }

    @Modified
    void modified(Map<String, Object> config) {
        apply(config);
    }

    private synchronized void apply(Map<String, Object> config) {
        settings = ManualSettings.from(config);
        boolean chosen = DiscoveryMode.effective(config.get(DiscoveryMode.MODE_PROPERTY), frameworkDefault)
                .orElse(null) == DiscoveryMode.MANUAL;
        if (chosen && registration == null) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(HostAnnouncement.MODE, DiscoveryMode.MANUAL.id());
            registration = context.registerService(HostAnnouncement.class, this, properties);
            LOG.info("Manual discovery is active: {}", state().connectLinks());
        } else if (!chosen && registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    @Override
    public DiscoveryMode mode() {
        return DiscoveryMode.MANUAL;
    }

    @Override
    public DiscoveryState state() {
        return describe(settings, identity.endpoints(), identity.spkiSha256());
    }

    static DiscoveryState describe(ManualSettings settings, List<LanEndpoint> endpoints, String fingerprint) {
        String configFile = "etc/" + ManualSettings.PID + ".cfg";
        List<LanEndpoint> published = new ArrayList<>();
        boolean configured = !settings.addresses().isEmpty();
        if (configured) {
            int listenerPort = endpoints.isEmpty() ? 0 : endpoints.get(0).port();
            int port = settings.port() != 0 ? settings.port() : listenerPort;
            if (port != 0) {
                settings.addresses().forEach(address -> published.add(new LanEndpoint(address, port)));
            }
        } else {
            endpoints.forEach(endpoint -> published.add(settings.port() == 0 ? endpoint
                    : new LanEndpoint(endpoint.address(), settings.port())));
        }
        List<String> addresses = published.stream().map(LanEndpoint::authority).toList();
        List<String> links = addresses.stream().map(authority -> "openwork-host://" + authority + "?fp=" + fingerprint)
                .toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("configuredAddresses", settings.addresses());
        details.put("listenerAddresses", endpoints.stream().map(LanEndpoint::authority).toList());
        if (!settings.problems().isEmpty()) {
            details.put("configurationProblems", settings.problems());
        }
        String problems = settings.problems().isEmpty() ? ""
                : " Configuration problems in " + configFile + ": " + String.join("; ", settings.problems()) + ".";
        if (addresses.isEmpty()) {
            String cause = configured
                    ? "Manual discovery names addresses but the TLS listener is not listening, so no port is known."
                    : "Manual discovery has no address to publish: none is configured and the TLS listener serves no LAN "
                            + "address.";
            return new DiscoveryState(DiscoveryMode.MANUAL, false, cause + problems,
                    "Set addresses (and port, when it is forwarded) in " + configFile + ", and check the tls check.",
                    List.of(), List.of(), details);
        }
        String source = configured ? "configured in " + configFile : "the TLS listener's own (none configured in "
                + configFile + ")";
        return new DiscoveryState(DiscoveryMode.MANUAL, true,
                "Manual discovery (no multicast): clients connect with the link for " + String.join(", ", addresses) + ", "
                        + source + "." + problems,
                settings.problems().isEmpty() ? null : "Correct " + configFile + ".", addresses, links, details);
    }
}
