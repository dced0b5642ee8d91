package dev.openwork.host.telemetry.internal;

import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.telemetry.MetricsService;
import dev.openwork.host.api.telemetry.MetricsSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local metrics. Listens to the host's events on EventAdmin (no bundle calls it to report
 * anything), keeps the counts in {@code data/telemetry/metrics.json}, and publishes them read-only
 * as {@link MetricsService}. Nothing leaves the machine: there is no exporter here, only a
 * Prometheus text page an admin may choose to scrape. Switched off, it registers no event handler
 * at all and writes nothing.
 */
@Component(service = MetricsService.class, configurationPid = TelemetryComponent.PID)
@Designate(ocd = TelemetryComponent.Config.class)
public final class TelemetryComponent implements MetricsService {

    static final String PID = "dev.openwork.host.telemetry";
    static final String FILE = "metrics.json";
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryComponent.class);

    @ObjectClassDefinition(name = "OpenWork Host telemetry",
            description = "Local metrics from the host's events, kept in data/telemetry and never sent anywhere.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Collect local metrics at all. Off: nothing is counted or written.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Keep hourly history (days)", description = "Hourly counts older than this are dropped;"
                + " totals are kept.", min = "7", max = "3650")
        int retentionDays() default 30;

        @AttributeDefinition(name = "Write every (s)", description = "How often counts are written to disk; a crash loses"
                + " at most this much.", min = "1", max = "3600")
        int flushSeconds() default 10;
    }

    private final BundleContext context;
    private final MetricsStore store;
    private final EventRecorder recorder;
    private final HostInfo hostInfo;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openwork-telemetry");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> flushes;
    private ServiceRegistration<EventHandler> handler;
    private volatile Config config;

    @Activate
    public TelemetryComponent(BundleContext context, @Reference HostInfo hostInfo, Config config) {
        this.context = context;
        this.hostInfo = hostInfo;
        Path file = hostInfo.dataDirectory().resolve("telemetry").resolve(FILE);
        this.store = MetricsStore.open(file, Clock.systemUTC());
        this.recorder = new EventRecorder(store);
        apply(config);
    }

    @Modified
    void modified(Config newConfig) {
        apply(newConfig);
    }

    @Deactivate
    synchronized void deactivate() {
        if (handler != null) {
            stopCollecting();
        }
        writer.shutdownNow();
    }

    private synchronized void apply(Config newConfig) {
        boolean wasEnabled = config != null && config.enabled();
        if (newConfig.enabled() && !wasEnabled) {
            startCollecting();
        } else if (!newConfig.enabled() && wasEnabled) {
            stopCollecting();
        }
        // only now: enabled() says true once the handler listens, false once it no longer does
        this.config = newConfig;
        if (newConfig.enabled()) {
            if (flushes != null) {
                flushes.cancel(false);
            }
            flushes = writer.scheduleWithFixedDelay(this::flush, newConfig.flushSeconds(), newConfig.flushSeconds(), TimeUnit.SECONDS);
        }
    }

    private void startCollecting() {
        store.runStarted(hostInfo.startedAt());
        flush();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, HostTopics.ROOT + "*");
        handler = context.registerService(EventHandler.class, event -> recorder.record(event.getTopic(), event::getProperty),
                properties);
        LOG.info("Local metrics are on; they stay in {}", hostInfo.dataDirectory().resolve("telemetry"));
    }

    private void stopCollecting() {
        if (handler != null) {
            try {
                handler.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            handler = null;
        }
        if (flushes != null) {
            flushes.cancel(false);
            flushes = null;
        }
        store.runStopping();
        flush();
    }

    private void flush() {
        try {
            Config current = config;
            if (current != null) {
                store.prune(Duration.ofDays(current.retentionDays()));
            }
            store.flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the local metrics", e);
        }
    }

    @Override
    public boolean enabled() {
        Config current = config;
        return current != null && current.enabled();
    }

    @Override
    public MetricsSummary summary() {
        return store.summary(enabled());
    }

    @Override
    public String prometheusText() {
        return store.prometheus(enabled());
    }
}
