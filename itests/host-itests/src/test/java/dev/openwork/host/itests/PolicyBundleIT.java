package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.permissions.ToolPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * An integrator's policy bundle (examples/dev.openwork.host.example.policy: no .env writes)
 * installed while the host runs, once from the console with install/start and once by dropping
 * it into deploy/: the next tool call of a task that is already running obeys it; stopping or
 * removing it brings the old behaviour back; no restart, and every task runs to its end.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyBundleIT {

    private static final String EXAMPLE = "example-no-env-writes";

    @Rule
    public Timeout deadline = Timeout.seconds(180);

    @Inject
    private BundleContext context;
    @Inject
    private HostIdentity identity;
    @Inject
    private DeviceRegistry devices;
    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console")};
    }

    /** A task that waits for a file named {@code gate} in its workspace, then writes {@code file}. */
    private String waitingTask(DeviceHttps https, String credential, Path workspace, String gate, String file) {
        return https.run(credential, workspace.toString(),
                DeviceHttps.bash("while [ ! -e " + gate + " ]; do sleep 0.05; done"), DeviceHttps.write(file, "X=1\n"));
    }

    private ServiceTracker<ToolPolicy, ToolPolicy> examplePolicy() throws Exception {
        ServiceTracker<ToolPolicy, ToolPolicy> tracker = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=" + ToolPolicy.class.getName() + ")(" + ToolPolicy.NAME + "=" + EXAMPLE + "))"), null);
        tracker.open();
        return tracker;
    }

    private static void release(Path workspace, String gate) throws Exception {
        Files.writeString(workspace.resolve(gate), "");
    }

    @Test
    public void aPolicyInstalledFromTheConsoleDecidesTheNextCallAndStoppingItRevertsThat() throws Exception {
        DeviceHttps https = new DeviceHttps(identity);
        String phone = devices.register("phone", "ios", Scopes.DEFAULT_DEVICE).credential();
        Path ws = Files.createTempDirectory("openwork-policy-it-").toRealPath();
        // running before the policy arrives, and still running after it leaves
        String longRunning = waitingTask(https, phone, ws, "go-long", "notes.txt");
        String denied = waitingTask(https, phone, ws, "go-denied", "prod.env");
        Conditions.await("both tasks to run their first step", java.time.Duration.ofSeconds(30), () ->
                https.task(phone, longRunning).path("state").asText().equals("running")
                        && https.task(phone, denied).path("state").asText().equals("running") ? true : null);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession console = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        ServiceTracker<ToolPolicy, ToolPolicy> policy = examplePolicy();
        Bundle bundle = null;
        try {
            // Gogo's install answers "Bundle ID: <id>"
            String installed = String.valueOf(console.execute("install " + HostDistribution.examplePolicyJar().toUri()));
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue("install names the bundle: " + installed + " " + out, id.find());
            bundle = context.getBundle(Long.parseLong(id.group(1)));
            assertEquals("dev.openwork.host.example.policy", bundle.getSymbolicName());
            console.execute("start " + bundle.getBundleId());
            assertNotNull("the policy is registered", policy.waitForService(TimeUnit.SECONDS.toMillis(20)));

            release(ws, "go-denied");
            JsonNode refused = https.awaitEnd(phone, denied);
            assertEquals("failed", refused.path("state").asText());
            assertTrue(refused.toString(), refused.path("summary").asText().contains("does not let tasks change .env files"));
            assertFalse(Files.exists(ws.resolve("prod.env")));

            // Gogo's stop and uninstall take bundles, converted from ids by the interactive shell bundle,
            // which never starts in a headless test: stop it the way that command would
            bundle.stop();
            assertTrue("the policy left with its bundle", policy.isEmpty());
            String allowed = waitingTask(https, phone, ws, "go-allowed", "prod.env");
            release(ws, "go-allowed");
            assertEquals("succeeded", https.awaitEnd(phone, allowed).path("state").asText());
            assertEquals("X=1\n", Files.readString(ws.resolve("prod.env")));

            release(ws, "go-long");
            assertEquals("no task was lost", "succeeded", https.awaitEnd(phone, longRunning).path("state").asText());
            assertEquals("X=1\n", Files.readString(ws.resolve("notes.txt")));
        } finally {
            policy.close();
            if (bundle != null) {
                bundle.uninstall();
            }
            console.close();
        }
    }

    @Test
    public void aPolicyDroppedIntoDeployDecidesUntilItsFileIsRemoved() throws Exception {
        DeviceHttps https = new DeviceHttps(identity);
        String phone = devices.register("phone", "ios", Scopes.DEFAULT_DEVICE).credential();
        Path ws = Files.createTempDirectory("openwork-policy-it-").toRealPath();
        String denied = waitingTask(https, phone, ws, "go-denied", "prod.env");
        Path deploy = Path.of(context.getProperty(HostDistribution.DEPLOY_DIR));
        Path jar = deploy.resolve("example-policy.jar");
        ServiceTracker<ToolPolicy, ToolPolicy> policy = examplePolicy();
        try {
            Files.copy(HostDistribution.examplePolicyJar(), deploy.resolve("example-policy.jar.part"));
            Files.move(deploy.resolve("example-policy.jar.part"), jar, StandardCopyOption.ATOMIC_MOVE);
            assertNotNull("FileInstall started it", policy.waitForService(TimeUnit.SECONDS.toMillis(20)));
            Bundle installed = policy.getServiceReference().getBundle();

            release(ws, "go-denied");
            assertEquals("failed", https.awaitEnd(phone, denied).path("state").asText());

            CountDownLatch uninstalled = new CountDownLatch(1);
            BundleListener listener = event -> {
                if (event.getType() == BundleEvent.UNINSTALLED && event.getBundle().getBundleId() == installed.getBundleId()) {
                    uninstalled.countDown();
                }
            };
            context.addBundleListener(listener);
            try {
                Files.delete(jar);
                assertTrue("removing the file uninstalls the policy", uninstalled.await(20, TimeUnit.SECONDS));
            } finally {
                context.removeBundleListener(listener);
            }
            assertTrue(policy.isEmpty());
            String allowed = waitingTask(https, phone, ws, "go-allowed", "prod.env");
            release(ws, "go-allowed");
            assertEquals("succeeded", https.awaitEnd(phone, allowed).path("state").asText());
        } finally {
            policy.close();
            Files.deleteIfExists(jar);
        }
    }
}
