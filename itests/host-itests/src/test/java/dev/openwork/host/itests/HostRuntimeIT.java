package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host runtime in a real Felix with the distribution's bundles: wiring, HTTP, hot deploy,
 * live configuration, typed errors and the console.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostRuntimeIT {

    private static final Duration READY = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;
    @Inject
    private ServiceComponentRuntime scr;
    @Inject
    private HealthService health;
    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console", "discovery")};
    }

    private Http http() {
        return new Http(Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT)),
                Http.adminCredential(Path.of(context.getProperty("openwork.host.data"))));
    }

    private Http.Answer healthyAnswer() {
        return Conditions.await("GET /v1/health to answer 200", READY, () -> {
            Http.Answer answer = http().get("/v1/health");
            return answer.status() == 200 ? answer : null;
        });
    }

    @Test
    public void everyBundleIsActiveAndEveryComponentSatisfied() {
        healthyAnswer();
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get("Fragment-Host") != null;
            boolean shell = "org.apache.felix.gogo.jline".equals(bundle.getSymbolicName());
            if (shell) {
                // installed but not started without a terminal; it must still resolve
                if (!context.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(List.of(bundle))) {
                    problems.add("the shell bundle does not resolve");
                }
                continue;
            }
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.add(bundle.getSymbolicName() + " is in state " + bundle.getState());
            }
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!scr.isComponentEnabled(description)) {
                continue; // disabled by its own bundle until something enables it
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                problems.add(description.name + " has no configuration (policy " + description.configurationPolicy + ")");
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                if (configuration.state != ComponentConfigurationDTO.ACTIVE
                        && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                    problems.add(description.name + " is in state " + configuration.state
                            + (configuration.failure != null ? ": " + configuration.failure : ""));
                }
            }
        }
        assertTrue("Not all bundles and components are up: " + problems, problems.isEmpty());
        assertTrue("the host's components were found",
                scr.getComponentDescriptionDTOs().stream().anyMatch(d -> d.name.startsWith("dev.openwork.host.")));
    }

    @Test
    public void healthAnswersJsonOverHttp() {
        Http.Answer answer = healthyAnswer();
        assertTrue(answer.contentType(), answer.contentType().startsWith("application/json"));
        JsonNode report = answer.json();
        assertEquals("OK", report.path("status").asText());
        assertFalse(report.path("version").asText().isEmpty());
        assertTrue(report.path("uptimeSeconds").isIntegralNumber());
        JsonNode storage = findCheck(report, "storage");
        assertNotNull("the storage check is listed: " + report, storage);
        assertEquals("OK", storage.path("status").asText());
        assertFalse(storage.path("cause").asText().isEmpty());
    }

    @Test
    public void unknownRoutesAndMalformedBodiesGetTheTypedError() {
        healthyAnswer();
        Http http = http();
        assertTypedError(http.get("/v1/no-such-route"), 404, "not_found");
        assertTypedError(http.post("/v1/health/run", "application/json", "{\"checks\": ["), 400, "invalid_json");
        Http.Answer unknownField = http.post("/v1/health/run", "application/json", "{\"checks\":[\"storage\"],\"bogus\":1}");
        assertTypedError(unknownField, 400, "invalid_json");
        assertTrue(unknownField.json().path("message").asText().contains("bogus"));
        assertTypedError(http.post("/v1/health/run", "application/json", "{\"checks\": 7}"), 400, "invalid_json");
        assertTypedError(http.post("/v1/health/run", "application/json", "{\"checks\": []}"), 400, "invalid_request");
        assertTypedError(http.post("/v1/health/run", "application/json", "{\"checks\": [\"nope\"]}"), 404, "not_found");
        assertTypedError(http.post("/v1/health/run", "text/plain", "storage"), 415, "unsupported_media_type");
        assertTypedError(http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + context.getProperty(HostDistribution.HTTP_PORT) + "/v1/health"))
                .DELETE()), 405, "method_not_allowed");
        Http.Answer ok = http.post("/v1/health/run", "application/json", "{\"checks\": [\"storage\"]}");
        assertEquals(ok.body(), 200, ok.status());
        assertEquals("storage", ok.json().get(0).path("name").asText());
    }

    /**
     * The shared REST feature (authentication, origin checks, JSON, typed errors) is what makes a
     * route safe to serve; while it is missing (at start-up, while it is reconfigured or its bundle
     * is updated), no route may answer at all, let alone without a credential check.
     */
    @Test
    public void withoutTheSharedRestFeatureNoRouteIsServed() {
        healthyAnswer();
        ComponentDescriptionDTO feature = scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.name.equals("dev.openwork.host.transport.http.internal.RestFeature")).findFirst().orElseThrow();
        Http anonymous = new Http(Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT)), null);
        try {
            scr.disableComponent(feature).getValue();
            Conditions.await("the REST API to be withdrawn", READY, () -> http().get("/v1/health").status() != 200 ? true : null);
            for (String route : List.of("/v1/health", "/v1/devices", "/v1/tasks", "/v1/permissions", "/v1/pairing/pending")) {
                Http.Answer answer = anonymous.get(route);
                assertTrue(route + " answered " + answer.status() + ": " + answer.body(),
                        answer.status() == 404 || answer.status() == 503);
                assertTrue(route + ": " + answer.contentType(), answer.contentType().startsWith("application/json"));
            }
        } catch (java.lang.reflect.InvocationTargetException | InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            try {
                scr.enableComponent(feature).getValue();
            } catch (java.lang.reflect.InvocationTargetException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        healthyAnswer();
        assertEquals(401, anonymous.get("/v1/devices").status());
    }

    @Test
    public void aBundleDroppedIntoDeployStartsAndLeavesWhenRemoved() throws Exception {
        healthyAnswer();
        Path deploy = Path.of(context.getProperty(HostDistribution.DEPLOY_DIR));
        Path jar = deploy.resolve("probe.jar");
        ServiceTracker<HealthCheck, HealthCheck> probe = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + HealthCheck.class.getName() + ")(" + HealthCheck.NAME + "=deploy-probe))"),
                null);
        probe.open();
        try {
            Files.copy(Path.of(context.getProperty("openwork.probe.jar")), jar.resolveSibling("probe.jar.part"));
            Files.move(jar.resolveSibling("probe.jar.part"), jar, StandardCopyOption.ATOMIC_MOVE);
            assertNotNull("the probe's health check appears", probe.waitForService(TimeUnit.SECONDS.toMillis(20)));
            assertNotNull("GET /v1/health lists it", findCheck(http().get("/v1/health").json(), "deploy-probe"));
            Bundle installed = probe.getServiceReference().getBundle();
            assertEquals(Bundle.ACTIVE, installed.getState());

            CountDownLatch uninstalled = new CountDownLatch(1);
            BundleListener listener = event -> {
                if (event.getType() == BundleEvent.UNINSTALLED && event.getBundle().getBundleId() == installed.getBundleId()) {
                    uninstalled.countDown();
                }
            };
            context.addBundleListener(listener);
            try {
                Files.delete(jar);
                assertTrue("removing the file uninstalls the bundle", uninstalled.await(20, TimeUnit.SECONDS));
            } finally {
                context.removeBundleListener(listener);
            }
            assertEquals(null, findCheck(http().get("/v1/health").json(), "deploy-probe"));
        } finally {
            probe.close();
            Files.deleteIfExists(jar);
        }
    }

    @Test
    public void editingAFileInEtcReconfiguresWithoutRestart() throws Exception {
        healthyAnswer();
        String component = "dev.openwork.host.transport.http.internal.RestFeature";
        long componentIdBefore = componentId(component);
        Path config = Path.of(context.getProperty(HostDistribution.ETC_DIR)).resolve("dev.openwork.host.transport.http.cfg");
        String body = "{\"checks\": [\"storage\", \"storage\", \"storage\", \"storage\"]}";
        assertTrue(body.length() > 40);
        try {
            writeAndAwaitModified(config, component, 40);
            Http.Answer tooLarge = http().post("/v1/health/run", "application/json", body);
            assertTypedError(tooLarge, 413, "payload_too_large");
            assertEquals("the component was modified, not restarted", componentIdBefore, componentId(component));
        } finally {
            writeAndAwaitModified(config, component, 1048576);
        }
        assertEquals(200, http().post("/v1/health/run", "application/json", body).status());
        assertEquals(componentIdBefore, componentId(component));
    }

    @Test
    public void consoleCommandsDescribeTheHost() throws Exception {
        healthyAnswer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            String info = String.valueOf(session.execute("host:info"));
            assertTrue(info, info.contains("Version:"));
            assertTrue(info, info.contains(context.getProperty("openwork.host.data")));
            assertTrue(info, info.contains("127.0.0.1:" + context.getProperty(HostDistribution.HTTP_PORT)));
            assertTrue(info, info.matches("(?s).*Bundles:\\s+\\d+ active.*"));
            String healthText = String.valueOf(session.execute("host:health"));
            assertTrue(healthText, healthText.contains("Host is OK"));
            assertTrue(healthText, healthText.contains("storage"));
            Object listed = session.execute("lb -s");
            String lb = out.toString(StandardCharsets.UTF_8) + listed;
            assertTrue("lb lists bundles: " + lb, lb.contains("org.apache.felix.scr"));
        } finally {
            session.close();
        }
        assertEquals(health.checkNames().contains("storage"), true);
    }

    private void writeAndAwaitModified(Path config, String component, long maxBodyBytes) throws Exception {
        CountDownLatch modified = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.MODIFIED
                    && Long.valueOf(maxBodyBytes).equals(toLong(event.getServiceReference().getProperty("maxBodyBytes")))) {
                modified.countDown();
            }
        };
        context.addServiceListener(listener, "(component.name=" + component + ")");
        try {
            Path part = config.resolveSibling(config.getFileName() + ".part");
            Files.writeString(part, "maxBodyBytes = " + maxBodyBytes + "\n");
            Files.move(part, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue("the component sees maxBodyBytes=" + maxBodyBytes, modified.await(20, TimeUnit.SECONDS));
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private static Long toLong(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return value == null ? null : Long.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private long componentId(String name) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.name.equals(name)) {
                return scr.getComponentConfigurationDTOs(description).iterator().next().id;
            }
        }
        throw new AssertionError("no component " + name);
    }

    private static JsonNode findCheck(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        return null;
    }

    private static void assertTypedError(Http.Answer answer, int status, String code) {
        assertEquals(answer.body(), status, answer.status());
        assertTrue(answer.contentType(), answer.contentType().startsWith("application/json"));
        assertEquals(answer.body(), code, answer.json().path("code").asText());
        assertFalse(answer.body(), answer.json().path("message").asText().isEmpty());
        assertTrue(answer.body(), answer.json().has("action"));
        assertFalse("no stack trace: " + answer.body(), answer.body().contains("Exception") || answer.body().contains("\tat "));
    }
}
