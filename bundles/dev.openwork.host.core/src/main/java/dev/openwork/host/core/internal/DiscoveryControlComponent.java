package dev.openwork.host.core.internal;

import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Switches discovery by writing its configuration, and reports as the {@code discovery} health
 * check whether the chosen mechanism runs and works. Lives in core, not in a discovery bundle,
 * because it must speak even when the chosen bundle is missing.
 */
@Component(service = {DiscoveryControl.class, HealthCheck.class}, property = HealthCheck.NAME + "=" + DiscoveryControlComponent.NAME)
public final class DiscoveryControlComponent implements DiscoveryControl, HealthCheck {

    static final String NAME = "discovery";

    private final ConfigurationAdmin configurationAdmin;
    private final String frameworkDefault;
    private final List<HostAnnouncement> announcements = new CopyOnWriteArrayList<>();
    private final Object changes = new Object();

    @Activate
    public DiscoveryControlComponent(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this(configurationAdmin, context.getProperty(DiscoveryMode.FRAMEWORK_PROPERTY));
    }

    DiscoveryControlComponent(ConfigurationAdmin configurationAdmin, String frameworkDefault) {
        this.configurationAdmin = configurationAdmin;
        this.frameworkDefault = frameworkDefault;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAnnouncement(HostAnnouncement announcement) {
        announcements.add(announcement);
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    void removeAnnouncement(HostAnnouncement announcement) {
        announcements.remove(announcement);
    }

    @Override
    public DiscoveryMode configuredMode() {
        return DiscoveryMode.effective(configuredModeValue().orElse(null), frameworkDefault).orElse(DiscoveryMode.DEFAULT);
    }

    /** The raw configured value; empty when there is no configuration. */
    private Optional<Object> configuredModeValue() {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + DiscoveryMode.PID + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(found[0].getProperties().get(DiscoveryMode.MODE_PROPERTY));
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<HostAnnouncement> active() {
        return announcementFor(configuredMode());
    }

    private Optional<HostAnnouncement> announcementFor(DiscoveryMode mode) {
        return announcements.stream().filter(a -> a.mode() == mode).findFirst();
    }

    @Override
    public Optional<DiscoveryState> use(DiscoveryMode mode, Duration wait) {
        try {
            Configuration configuration = configurationAdmin.getConfiguration(DiscoveryMode.PID, "?");
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            properties.put(DiscoveryMode.MODE_PROPERTY, mode.id());
            configuration.update(properties);
        } catch (IOException e) {
            throw new HostException(ErrorCode.UNAVAILABLE, "The discovery configuration could not be saved: " + e.getMessage(),
                    "Check that the host's etc/ folder is writable, then try again.");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (changes) {
            while (true) {
                Optional<HostAnnouncement> announcement = announcementFor(mode);
                if (announcement.isPresent()) {
                    return Optional.of(announcement.get().state());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    changes.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    @Override
    public HealthCheckResult check() {
        Optional<Object> raw = configuredModeValue();
        if (DiscoveryMode.effective(raw.orElse(null), frameworkDefault).isEmpty()) {
            String named = raw.map(Object::toString).orElse(frameworkDefault);
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "The discovery mode '" + named + "' (etc/" + DiscoveryMode.PID + ".cfg or --discovery) is not known, so "
                            + "clients cannot find the host.",
                    "Set mode = mdns or mode = manual there, or run discovery:use mdns (or manual) in the console.",
                    Map.of("configuredMode", String.valueOf(named)));
        }
        DiscoveryMode mode = configuredMode();
        Optional<HostAnnouncement> announcement = announcementFor(mode);
        if (announcement.isEmpty()) {
            String bundle = "dev.openwork.host.discovery." + mode.id();
            DiscoveryMode other = mode == DiscoveryMode.MDNS ? DiscoveryMode.MANUAL : DiscoveryMode.MDNS;
            return new HealthCheckResult(NAME, HealthStatus.WARNING,
                    "Discovery is set to " + mode.id() + " but no running bundle announces the host that way (" + bundle
                            + " is not installed or not started), so new clients cannot find it.",
                    "Start that bundle (lb discovery, then start <id>), or switch with discovery:use " + other.id() + ".",
                    Map.of("mode", mode.id()), List.of(DiscoveryActions.idFor(other)));
        }
        DiscoveryState state = announcement.get().state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", mode.id());
        details.put("addresses", state.addresses());
        details.put("connectLinks", state.connectLinks());
        details.putAll(state.details());
        if (state.working()) {
            return HealthCheckResult.ok(NAME, state.cause(), details);
        }
        List<String> actions = mode == DiscoveryMode.MDNS
                ? List.of(DiscoveryActions.RESTART_MDNS, DiscoveryActions.USE_MANUAL)
                : List.of(DiscoveryActions.USE_MDNS);
        return new HealthCheckResult(NAME, HealthStatus.WARNING, state.cause(), state.action(), details, actions);
    }
}
