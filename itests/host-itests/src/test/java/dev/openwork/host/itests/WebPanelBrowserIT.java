package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (Debian's headless Chromium at 390x844) against the real
 * distribution on 127.0.0.1: sign in with a one-time link, see a health problem with its action and
 * run it, open a pairing window and see the code and the QR code, approve a device that the real
 * owctl paired, watch that device's task log appear live, see it in the charts, revoke the device.
 * Leaves a phone-sized screenshot in target/web-panel/.
 */
public class WebPanelBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(240);
    /** A failed test leaves what the browser showed, for whoever reads the CI log. */
    @Rule
    public org.junit.rules.TestWatcher onFailure = new org.junit.rules.TestWatcher() {
        @Override
        protected void failed(Throwable e, org.junit.runner.Description description) {
            try {
                if (browser != null) {
                    screenshot("failed-" + description.getMethodName() + ".png");
                    Files.writeString(Path.of("target", "web-panel", "failed-" + description.getMethodName() + ".txt"),
                            browser.findElement(By.tagName("body")).getText());
                }
            } catch (Exception ignored) {
                // the failure itself is what matters
            }
        }

        /** Runs after {@code failed}, so the browser is still there to take the picture. */
        @Override
        protected void finished(org.junit.runner.Description description) {
            if (browser != null) {
                browser.quit();
            }
            try {
                if (host != null) {
                    host.stop();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    private HostProcess host;
    private ChromeDriver browser;
    private Path clientConfig;

    @Before
    public void start() throws Exception {
        Browser.requireInstalled();
        Path data = folder.newFolder("data").toPath();
        // a host where pairing failed often: the pairing check warns and offers to reset the counter
        Files.createDirectories(data.resolve("pairing"));
        Files.writeString(data.resolve("pairing/failures"), "60");
        host = new HostProcess(data).start();
        clientConfig = folder.newFolder("owctl").toPath();
        browser = Browser.start(folder.getRoot().toPath().resolve("chromium-profile"), 390, 844);
    }

    private Http admin() {
        return host.admin().http();
    }

    private WebDriverWait waiting() {
        // the page re-renders its lists on every refresh: an element found a moment ago may be replaced
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void signIn() {
        Http.Answer link = admin().post("/v1/session/link", "application/json", "");
        assertEquals(link.body(), 200, link.status());
        String url = link.json().path("link").asText();
        assertTrue(url, url.startsWith("http://127.0.0.1:" + host.httpPort + "/#login="));
        browser.get(url);
        waiting().until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready"))
                && !d.findElement(By.id("signin")).isDisplayed() && d.findElement(By.id("health")).isDisplayed());
        assertFalse("the one-time code left the address bar", browser.getCurrentUrl().contains("login="));
    }

    @Test
    public void aNewcomerSignsInFixesAProblemPairsAPhoneAndWatchesItsTask() throws Exception {
        // a page without a session shows how to sign in, and nothing else
        browser.get("http://127.0.0.1:" + host.httpPort + "/");
        waiting().until(d -> d.findElement(By.id("signin")).isDisplayed());
        assertFalse(browser.findElement(By.id("health")).isDisplayed());

        signIn();

        // a health problem with its action, run from the page
        waiting().until(d -> "WARNING".equals(d.findElement(By.id("overall")).getText()));
        assertFitsThePhone();
        WebElement pairingCheck = browser.findElement(By.cssSelector("li.check[data-check='pairing']"));
        assertEquals("WARNING", pairingCheck.getAttribute("data-status"));
        assertTrue(pairingCheck.getText(), pairingCheck.getText().contains("60 pairing attempts failed"));
        pairingCheck.findElement(By.cssSelector("button[data-action='reset-pairing-caps']")).click();
        waiting().until(d -> text("action-result").contains("was reset (it stood at 60)"));
        waiting().until(d -> "OK".equals(d.findElement(By.cssSelector("li.check[data-check='pairing']")).getAttribute("data-status")));
        assertEquals(0, admin().get("/v1/pairing/caps").json().path("failuresLifetime").asInt());

        // open a pairing window: the code and the QR code
        browser.findElement(By.id("open-window")).click();
        waiting().until(d -> text("pairing-code").matches("\\d{4} \\d{4}"));
        String code = admin().get("/v1/pairing/window").json().path("code").asText();
        assertEquals(code.substring(0, 4) + " " + code.substring(4), text("pairing-code"));
        waiting().until(d -> Long.valueOf(1).equals(((ChromeDriver) d).executeScript(
                "const i = document.getElementById('pairing-qr'); return i.complete && i.naturalWidth > 0 ? 1 : 0;")));
        String link = text("pairing-link");
        assertTrue(link, link.startsWith("openwork-host://127.0.0.1:" + host.lanPort + "?fp="));

        // a real client pairs; the page shows it waiting, with its scopes explained, and approves it
        Process pairing = host.startOwctl(clientConfig, "pair", link, "--name", "Anna's phone");
        pairing.getOutputStream().close();
        WebElement pending = waiting().until(d -> d.findElements(By.cssSelector("li.pending")).stream().findFirst().orElse(null));
        assertTrue(pending.getText(), pending.getText().contains("Anna's phone"));
        assertTrue(pending.getText(), pending.getText().contains("Run tasks (commands, agents) on this host"));
        pending.findElement(By.cssSelector("button.approve")).click();
        assertTrue("owctl pair finishes", pairing.waitFor(60, TimeUnit.SECONDS));
        String pairOutput = new String(pairing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(pairOutput, 0, pairing.exitValue());
        JsonNode devices = admin().get("/v1/devices").json();
        assertEquals(1, devices.size());
        String deviceId = devices.get(0).path("id").asText();
        waiting().until(d -> !d.findElements(By.cssSelector("li.device[data-device='" + deviceId + "']")).isEmpty());

        // the paired device runs a task; the page shows its log live, line by line
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        Path go = workspace.resolve("go");
        // owctl joins the words after -- into one bash command line
        Process run = host.startOwctl(clientConfig, "run", "--workspace", workspace.toString(), "--",
                "echo first line from the phone; while [ ! -f go ]; do sleep 0.05; done; echo second line from the phone");
        run.getOutputStream().close();
        WebElement task = waiting().until(d -> d.findElements(By.cssSelector("li.task")).stream().findFirst().orElse(null));
        task.click();
        waiting().until(d -> text("log-lines").contains("first line from the phone"));
        assertFalse("the second line cannot be there before the task wrote it", text("log-lines").contains("second line"));
        assertEquals("running", text("log-state"));
        Files.writeString(go, "");
        waiting().until(d -> text("log-lines").contains("second line from the phone"));
        waiting().until(d -> "succeeded".equals(text("log-state")));
        assertTrue("owctl run finishes", run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue());
        waiting().until(d -> text("last-task").contains("succeeded"));

        // the charts count the task (the page refreshes them every few seconds)
        waiting().until(d -> !"0".equals(d.findElement(By.cssSelector("#chart-tasks svg")).getAttribute("data-total")));
        browser.findElement(By.id("range-week")).click();
        waiting().until(d -> text("range-name").equals("week"));
        assertEquals("1", browser.findElement(By.cssSelector("#chart-tasks svg")).getAttribute("data-total"));
        browser.findElement(By.id("range-day")).click();

        assertFitsThePhone();
        screenshot("web-panel-tasks-390x844.png");
        browser.executeScript("window.scrollTo(0, 0)");
        screenshot("web-panel-390x844.png");

        // revoking from the page takes a confirming second tap, then the device's credential stops working
        WebElement revoke = browser.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke"));
        revoke.click();
        waiting().until(d -> d.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke"))
                .getText().contains("again"));
        browser.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke")).click();
        waiting().until(d -> d.findElements(By.cssSelector("li.device")).isEmpty());
        assertEquals(0, admin().get("/v1/devices").json().size());
        HostProcess.Run status = host.owctl(clientConfig, null, "status");
        assertTrue(status.output(), status.exitCode() != 0);

        assertNoPolicyViolations();
    }

    @Test
    public void overTheLanThePageIsForAdminDevicesOnly() throws Exception {
        java.net.http.HttpClient lan = java.net.http.HttpClient.newBuilder()
                .sslContext(Tls.recordingContext(new java.util.concurrent.atomic.AtomicReference<>())).build();
        String page = "https://127.0.0.1:" + host.lanPort + "/";
        java.net.http.HttpResponse<String> anonymous = lan.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(page)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(anonymous.body(), 401, anonymous.statusCode());
        assertTrue(anonymous.body(), anonymous.body().contains("\"code\":\"unauthenticated\""));

        String phone = pairOverLan("phone", "[\"status:read\",\"tasks:run\"]");
        java.net.http.HttpResponse<String> notAdmin = lan.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page))
                .header("Authorization", "Bearer " + phone).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(notAdmin.body(), 403, notAdmin.statusCode());

        String laptop = pairOverLan("admin laptop", "[\"admin\"]");
        java.net.http.HttpResponse<String> asAdmin = lan.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page))
                .header("Authorization", "Bearer " + laptop).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, asAdmin.statusCode());
        assertTrue(asAdmin.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));

        // the refusals are counted as connection failures, by cause, and the handshakes as connections
        Conditions.await("the refusals and connections in the metrics", WAIT, () -> {
            JsonNode summary = admin().get("/v1/metrics/summary").json();
            return summary.path("connectionFailures").path("no_credential").asInt() >= 1
                    && summary.path("connectionFailures").path("missing_scope").asInt() >= 1
                    && summary.path("connections").path("tls").asInt() >= 3 ? true : null;
        });
    }

    /** Pairs a device over the LAN with the real client, pre-approved with {@code scopesJson}; returns its credential. */
    private String pairOverLan(String name, String scopesJson) {
        Http.Answer window = admin().post("/v1/pairing/window", "application/json", "{\"minutes\":5,\"scopes\":" + scopesJson + "}");
        assertEquals(window.body(), 200, window.status());
        dev.openwork.host.client.KnownHost paired = new dev.openwork.host.client.PairingClient(
                new dev.openwork.host.client.HostAddress("127.0.0.1", host.lanPort), null)
                .pair(new dev.openwork.host.client.PairingClient.Request(window.json().path("code").asText(), name, "cli",
                        List.of()), null);
        return paired.credential();
    }

    /** Nothing on the page is wider than the phone's screen (no sideways scrolling). */
    private void assertFitsThePhone() {
        List<?> facts = (List<?>) browser.executeScript(
                "const width = document.documentElement.clientWidth;"
                + "const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1)"
                + "  .map((e) => e.tagName + '#' + e.id + '.' + e.className);"
                + "return [window.innerWidth, document.documentElement.scrollWidth, wide.slice(0, 8).join(' ')];");
        assertEquals("viewport width", 390L, facts.get(0));
        assertEquals("the page scrolls sideways because of: " + facts.get(2), 390L, facts.get(1));
    }

    private void assertNoPolicyViolations() {
        List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
        for (LogEntry entry : entries) {
            assertFalse("the browser reported: " + entry.getMessage(),
                    entry.getMessage().contains("Content Security Policy") || entry.getLevel().intValue() >= Level.SEVERE.intValue()
                            && !entry.getMessage().contains("/v1/") /* a 401/404 the page handles is logged as an error */);
        }
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", "web-panel");
        Files.createDirectories(target);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
