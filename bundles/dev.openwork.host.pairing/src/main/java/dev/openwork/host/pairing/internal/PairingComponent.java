package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.host.QrCodeRenderer;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.identity.LanEndpoint;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link PairingCoordinator} as the host's {@link PairingService}, tells EventAdmin
 * when the window opens and closes (discovery shows it), and closes an expired window on time.
 *
 * <p>Immediate: an open window, an attempt under way and devices waiting for approval live in
 * memory and must outlive a restart of the REST transport, the service's main user.
 */
@Component(service = PairingService.class, immediate = true)
public final class PairingComponent implements PairingService {

    private final PairingCoordinator coordinator;
    private final QrCodeRenderer qrCodes;
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openwork-pairing-window-expiry");
        thread.setDaemon(true);
        return thread;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostAnnouncement announcement;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public PairingComponent(@Reference HostIdentity identity, @Reference DeviceRegistry devices, @Reference HostInfo hostInfo,
            @Reference QrCodeRenderer qrCodes) {
        this.qrCodes = qrCodes;
        PairingCoordinator.HostFacts facts = new PairingCoordinator.HostFacts() {
            @Override
            public String hostId() {
                return identity.hostId();
            }

            @Override
            public String hostName() {
                return identity.hostName();
            }

            @Override
            public String spkiSha256() {
                return identity.spkiSha256();
            }

            @Override
            public List<String> authorities() {
                // manual discovery may name addresses the listener cannot know (a VPN's, a forwarded port)
                HostAnnouncement current = announcement;
                if (current != null) {
                    DiscoveryState state = current.state();
                    if (state.working() && !state.addresses().isEmpty()) {
                        return state.addresses();
                    }
                }
                return identity.endpoints().stream().map(LanEndpoint::authority).toList();
            }
        };
        LifetimeFailures failures = new LifetimeFailures(hostInfo.dataDirectory().resolve("pairing").resolve("failures"));
        this.coordinator = new PairingCoordinator(facts, devices, failures, Clock.systemUTC(), new SecureRandom(),
                this::post);
        coordinator.onWindowChange(this::windowChanged);
    }

    @Deactivate
    void deactivate() {
        expiry.shutdownNow();
    }

    private void windowChanged(boolean open, Instant closesAt) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(HostEventProperties.PAIRING_OPEN, open);
        if (open) {
            properties.put(HostEventProperties.CLOSES_AT, closesAt.toEpochMilli());
            long delay = Math.max(0, Duration.between(Instant.now(), closesAt).toMillis()) + 5;
            expiry.schedule(coordinator::window, delay, TimeUnit.MILLISECONDS); // closes it if its time is up
        }
        post(HostTopics.PAIRING_WINDOW, properties);
    }

    /** Pairing steps go to telemetry and anyone else listening; pairing works the same without EventAdmin. */
    private void post(String topic, Map<String, Object> properties) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            try {
                events.postEvent(new Event(topic, properties));
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(PairingComponent.class).debug("Could not post {}", topic, e);
            }
        }
    }

    @Override
    public PairingWindow open(Duration duration, Set<String> preApprovedScopes, String nameHint) {
        return coordinator.open(duration, preApprovedScopes, nameHint);
    }

    @Override
    public Optional<PairingWindow> window() {
        return coordinator.window();
    }

    @Override
    public void close() {
        coordinator.close();
    }

    @Override
    public PairingStartResponse start(PairingStartRequest request, String remoteAddress) {
        return coordinator.start(request, remoteAddress);
    }

    @Override
    public PairingConfirmResponse confirm(PairingConfirmRequest request) {
        return coordinator.confirm(request);
    }

    @Override
    public PairingResult result(String pairingId, String proof, Duration wait) {
        return coordinator.result(pairingId, proof, wait);
    }

    @Override
    public List<PendingPairing> pending() {
        return coordinator.pending();
    }

    @Override
    public void approve(String pairingId, Set<String> scopes) {
        coordinator.approve(pairingId, scopes);
    }

    @Override
    public void deny(String pairingId) {
        coordinator.deny(pairingId);
    }

    @Override
    public Optional<String> windowQrSvg() {
        return coordinator.window().map(PairingWindow::connectLink).map(qrCodes::svg);
    }

    @Override
    public Optional<byte[]> windowQrPng(int scale) {
        return coordinator.window().map(PairingWindow::connectLink).map(link -> qrCodes.png(link, scale));
    }

    @Override
    public PairingCaps caps() {
        return coordinator.caps();
    }

    @Override
    public void resetCaps() {
        coordinator.resetCaps();
    }
}
