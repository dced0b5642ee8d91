package dev.openwork.host.discovery.mdns.internal;

import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.discovery.ServiceRecords;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthAction;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.identity.LanEndpoint;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.discovery.mdns.internal.AdvertisementPlan.Target;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.jmdns.impl.DNSTaskStarter;
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
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the host over mDNS while discovery mode is {@code mdns}: registers the
 * {@link HostAnnouncement}, keeps one responder per eligible address (rescanning interfaces as they
 * come and go), republishes the TXT record when the pairing window opens or closes, and sends
 * goodbye records when another mode is chosen or the bundle stops.
 */
@Component(service = EventHandler.class, immediate = true,
        configurationPid = {DiscoveryMode.PID, MdnsSettings.PID},
        property = EventConstants.EVENT_TOPIC + "=" + HostTopics.PAIRING_WINDOW)
public final class MdnsDiscovery implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsDiscovery.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;
    static final String RESTART_ACTION = "restart-mdns-discovery";

    private final BundleContext context;
    private final HostIdentity identity;
    private final String frameworkDefault;
    private final MdnsAdvertiser advertiser = new MdnsAdvertiser();
    /** Every JmDNS call happens on this thread: they block (probing) and must not overlap. */
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openwork-mdns");
        thread.setDaemon(true);
        return thread;
    });
    private final HostAnnouncement announcement = new HostAnnouncement() {
        @Override
        public DiscoveryMode mode() {
            return DiscoveryMode.MDNS;
        }

        @Override
        public DiscoveryState state() {
            return state;
        }
    };

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PairingService pairing;

    private volatile MdnsSettings settings;
    private volatile DiscoveryState state = starting();
    private Map<String, String> publishedText = Map.of(); // worker thread only
    private ServiceRegistration<HostAnnouncement> registration; // guarded by this
    private ServiceRegistration<HealthAction> restartAction; // guarded by this
    private ScheduledFuture<?> rescans; // guarded by this

    @Activate
    public MdnsDiscovery(BundleContext context, @Reference HostIdentity identity, Map<String, Object> config) {
        this.context = context;
        this.identity = identity;
        this.frameworkDefault = context.getProperty(DiscoveryMode.FRAMEWORK_PROPERTY);
        DNSTaskStarter.Factory.setClassDelegate(RfcTimingTaskStarter::new);
        apply(config);
    }

    @Modified
    void modified(Map<String, Object> config) {
        apply(config);
    }

    private synchronized void apply(Map<String, Object> config) {
        settings = MdnsSettings.from(config);
        boolean chosen = DiscoveryMode.effective(config.get(DiscoveryMode.MODE_PROPERTY), frameworkDefault)
                .orElse(null) == DiscoveryMode.MDNS;
        if (rescans != null) {
            rescans.cancel(false);
            rescans = null;
        }
        if (chosen) {
            if (registration == null) {
                state = starting();
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(HostAnnouncement.MODE, DiscoveryMode.MDNS.id());
                registration = context.registerService(HostAnnouncement.class, announcement, properties);
                Dictionary<String, Object> action = new Hashtable<>();
                action.put(HealthAction.ID, RESTART_ACTION);
                action.put(HealthAction.CHECK, "discovery");
                action.put(HealthAction.LABEL, "Restart mDNS discovery");
                restartAction = context.registerService(HealthAction.class, this::restart, action);
            }
            rescans = worker.scheduleWithFixedDelay(this::rescan, 0, settings.rescanSeconds(), TimeUnit.SECONDS);
        } else {
            if (registration != null) {
                registration.unregister();
                registration = null;
                restartAction.unregister();
                restartAction = null;
                LOG.info("Discovery mode is no longer mdns: sending goodbye records");
            }
            worker.execute(advertiser::stopAll);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (rescans != null) {
                rescans.cancel(false);
            }
            if (registration != null) {
                registration.unregister();
                registration = null;
                restartAction.unregister();
                restartAction = null;
            }
        }
        try {
            // goodbyes must leave before the bundle's classes go away
            worker.submit(advertiser::stopAll).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("mDNS responders did not stop cleanly: {}", e.toString());
        } finally {
            worker.shutdownNow();
            DNSTaskStarter.Factory.setClassDelegate(null);
        }
    }

    /** The health action: every responder says goodbye and starts again, on interfaces looked at anew. */
    private HealthActionResult restart() {
        try {
            worker.submit(() -> {
                advertiser.stopAll();
                rescan();
            }).get(2 * STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            return new HealthActionResult(RESTART_ACTION, "mDNS discovery did not restart in time: " + e.getMessage(),
                    Map.of());
        }
        DiscoveryState now = state;
        return new HealthActionResult(RESTART_ACTION, "mDNS discovery restarted. " + now.cause(),
                Map.of("working", now.working(), "addresses", now.addresses()));
    }

    @Override
    public void handleEvent(Event event) {
        worker.execute(this::republishText);
    }

    private void republishText() {
        if (!advertiser.advertised().isEmpty()) {
            Map<String, String> text = text(advertiser.advertised().keySet().iterator().next().port());
            if (!text.equals(publishedText)) {
                advertiser.updateText(text);
                publishedText = text;
                LOG.info("TXT record now {}", text);
            }
        }
    }

    private void rescan() {
        try {
            MdnsSettings current = settings;
            List<LanEndpoint> endpoints = identity.endpoints();
            AdvertisementPlan plan = AdvertisementPlan.plan(current, InterfaceView.current(), endpoints);
            int port = plan.targets().isEmpty() ? 0 : plan.targets().get(0).port();
            Map<String, String> text = port == 0 ? Map.of() : text(port);
            advertiser.reconcile(plan.targets(), instanceName(current), machineName(), text);
            if (!text.isEmpty() && !text.equals(publishedText)) {
                advertiser.updateText(text);
                publishedText = text;
            }
            state = describe(current, endpoints, plan);
        } catch (Exception e) {
            // a scheduled task that throws is never run again: report and try at the next rescan
            LOG.warn("mDNS rescan failed", e);
            state = new DiscoveryState(DiscoveryMode.MDNS, false, "mDNS advertisement failed: " + e.getMessage(),
                    "Check the host log; if it keeps failing, switch to manual discovery with discovery:use manual.",
                    List.of(), List.of(), Map.of());
        }
    }

    private Map<String, String> text(int port) {
        PairingService current = pairing;
        boolean open = current != null && current.window().isPresent();
        return TxtRecord.build(identity.hostId(), identity.spkiSha256(), open, port);
    }

    private String machineName() {
        String name = identity.hostName();
        return name.endsWith(".local") ? name.substring(0, name.length() - ".local".length()) : name;
    }

    private String instanceName(MdnsSettings current) {
        return current.instanceName().isEmpty() ? machineName() : current.instanceName();
    }

    private DiscoveryState describe(MdnsSettings current, List<LanEndpoint> endpoints, AdvertisementPlan plan) {
        Map<Target, String> advertised = advertiser.advertised();
        Map<Target, String> failures = advertiser.failures();
        List<String> addresses = new ArrayList<>();
        List<String> links = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (Target target : advertised.keySet()) {
            String authority = new LanEndpoint(target.address().getHostAddress(), target.port()).authority();
            addresses.add(authority);
            links.add("openwork-host://" + authority + "?fp=" + identity.spkiSha256());
            where.add(target.describe());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("serviceType", ServiceRecords.SERVICE_TYPE);
        details.put("instanceName", advertised.isEmpty() ? instanceName(current) : advertised.values().iterator().next());
        details.put("advertisedOn", where);
        details.put("txt", publishedText);
        if (!plan.skipped().isEmpty()) {
            details.put("notAdvertisedOn", plan.skipped());
        }
        if (!failures.isEmpty()) {
            List<String> failed = new ArrayList<>();
            failures.forEach((target, why) -> failed.add(target.describe() + ": " + why));
            details.put("failed", failed);
        }
        if (!current.problems().isEmpty()) {
            details.put("configurationProblems", current.problems());
        }
        String config = current.problems().isEmpty() ? ""
                : " Configuration problems in etc/" + MdnsSettings.PID + ".cfg: " + String.join("; ", current.problems()) + ".";
        if (!advertised.isEmpty()) {
            return new DiscoveryState(DiscoveryMode.MDNS, true, "Advertised as '" + details.get("instanceName") + "' ("
                    + ServiceRecords.SERVICE_TYPE + ") on " + String.join(", ", where) + "." + config,
                    current.problems().isEmpty() ? null : "Correct etc/" + MdnsSettings.PID + ".cfg.", addresses, links,
                    details);
        }
        String cause;
        String action;
        if (endpoints.isEmpty()) {
            cause = "The TLS listener serves no LAN address, so there is nothing to advertise.";
            action = "Connect the host to a network (see the tls check), or switch to manual discovery with "
                    + "discovery:use manual.";
        } else if (plan.targets().isEmpty()) {
            cause = "No multicast-capable interface carries the host's LAN addresses: " + String.join("; ", plan.skipped())
                    + ".";
            action = "Check interfaces.include and interfaces.exclude in etc/" + MdnsSettings.PID
                    + ".cfg, or switch to manual discovery with discovery:use manual.";
        } else {
            List<String> failed = new ArrayList<>();
            failures.forEach((target, why) -> failed.add(target.describe() + ": " + why));
            cause = "mDNS could not start on " + String.join("; ", failed) + ".";
            action = "Check that multicast and UDP port 5353 are allowed on that interface (firewall), or switch to manual "
                    + "discovery with discovery:use manual.";
        }
        return new DiscoveryState(DiscoveryMode.MDNS, false, cause + config, action, List.of(), List.of(), details);
    }

    private static DiscoveryState starting() {
        return new DiscoveryState(DiscoveryMode.MDNS, false, "mDNS advertisement is starting.",
                "Wait a few seconds; if this stays, see the host log.", List.of(), List.of(), Map.of());
    }
}
