package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthActionInfo;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthService;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.telemetry.MetricsService;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import javax.inject.Inject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Telemetry and health actions wired in a real Felix: metrics switched off through ConfigAdmin
 * stop listening at once (no event handler of the telemetry bundle remains) and switched on again
 * count again; the pairing actions are on the whiteboard, offered by the pairing check, and run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TelemetryIT {

    private static final Duration READY = Duration.ofSeconds(30);

    @Rule
    public Timeout deadline = Timeout.seconds(120);

    @Inject
    private BundleContext context;
    @Inject
    private MetricsService metrics;
    @Inject
    private HealthService health;
    @Inject
    private PairingService pairing;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private org.apache.felix.service.command.CommandProcessor commands;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console")};
    }

    private Http anonymous() {
        return new Http(Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT)), null);
    }

    private Http stranger() {
        return new Http(Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT)), "unknown-credential");
    }

    private long failures(String reason) {
        return metrics.summary().connectionFailures().getOrDefault(reason, 0L);
    }

    private long telemetryEventHandlers() throws Exception {
        Bundle telemetry = Arrays.stream(context.getBundles())
                .filter(b -> "dev.openwork.host.telemetry".equals(b.getSymbolicName())).findFirst().orElseThrow();
        ServiceReference<?>[] registered = telemetry.getRegisteredServices();
        return registered == null ? 0 : Arrays.stream(registered)
                .filter(r -> Arrays.asList((String[]) r.getProperty("objectClass")).contains("org.osgi.service.event.EventHandler"))
                .count();
    }

    private void setEnabled(boolean enabled) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("enabled", enabled);
        configurationAdmin.getConfiguration("dev.openwork.host.telemetry", "?").update(properties);
        Conditions.await("metrics " + (enabled ? "on" : "off"), READY, () -> metrics.enabled() == enabled ? true : null);
    }

    @Test
    public void metricsCanBeSwitchedOffEntirelyAndOnAgain() throws Exception {
        Conditions.await("GET /v1/health to answer", READY, () -> anonymous().get("/v1/health").status() == 401 ? true : null);
        long before = failures("no_credential");
        anonymous().get("/v1/devices");
        Conditions.await("the refusal to be counted", READY, () -> failures("no_credential") > before ? true : null);
        assertEquals(1, telemetryEventHandlers());

        setEnabled(false);
        assertEquals("switched off, telemetry listens to nothing", 0, telemetryEventHandlers());
        long offCount = failures("bad_credential");
        stranger().get("/v1/devices"); // refused while metrics are off: never delivered to telemetry
        assertFalse(metrics.summary().enabled());
        assertTrue(metrics.prometheusText().contains("openwork_metrics_enabled 0"));

        setEnabled(true);
        assertEquals(1, telemetryEventHandlers());
        long onCount = failures("no_credential");
        anonymous().get("/v1/devices");
        Conditions.await("counting again", READY, () -> failures("no_credential") > onCount ? true : null);
        assertEquals("nothing was counted while off", offCount, failures("bad_credential"));
    }

    @Test
    public void thePairingCheckOffersActionsThatRun() {
        assertTrue(health.actions().stream().map(HealthActionInfo::id).toList()
                .containsAll(java.util.List.of("open-pairing-window", "reset-pairing-caps")));
        pairing.close();
        HealthCheckResult check = health.run(java.util.List.of("pairing")).get(0);
        assertEquals(java.util.List.of("open-pairing-window"), check.actions());
        assertTrue(health.runAction("open-pairing-window").message().contains("pairing window is open"));
        assertTrue(pairing.window().isPresent());
        assertTrue(health.run(java.util.List.of("pairing")).get(0).actions().isEmpty());
        pairing.close();
    }

    @Test
    public void theConsoleListsAndRunsActionsAndShowsMetrics() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.felix.service.command.CommandSession session =
                commands.createSession(new java.io.ByteArrayInputStream(new byte[0]), print, print);
        try {
            pairing.close();
            String healthText = String.valueOf(session.execute("host:health"));
            assertTrue(healthText, healthText.contains("-> host:fix open-pairing-window"));
            String actions = String.valueOf(session.execute("host:actions"));
            assertTrue(actions, actions.contains("reset-pairing-caps") && actions.contains("Open a pairing window"));
            String fixed = String.valueOf(session.execute("host:fix open-pairing-window"));
            assertTrue(fixed, fixed.contains("pairing window is open"));
            assertTrue(pairing.window().isPresent());
            String unknown = String.valueOf(session.execute("host:fix no-such-action"));
            assertTrue(unknown, unknown.contains("No recovery action is named no-such-action"));
            String shown = String.valueOf(session.execute("metrics:show"));
            assertTrue(shown, shown.contains("Pairing:") && shown.contains("Nothing of this leaves the host"));
        } finally {
            session.close();
            pairing.close();
        }
    }
}
