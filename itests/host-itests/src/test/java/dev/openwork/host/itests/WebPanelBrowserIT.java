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
 * distribution on 127.0.0.1 (a private copy, since switching discovery writes its etc/): sign in
 * with a one-time link, see a health problem with its action and run it, see how devices find the
 * host and switch discovery, open a pairing window and see the code and the QR code, approve a
 * device that the real owctl paired with the runtime and folder grants it asked for, watch that
 * device's task log appear live, see it in the charts, revoke the device; answer permission prompts
 * (allow once, reject with a message, always allow and forget the rule, and an answer that comes
 * second, refused with the host's typed error). Leaves phone-sized screenshots in target/web-panel/.
 */
public class WebPanelBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(300);
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

    /** Bash lines starting "echo ask" are asked about (etc/dev.openwork.host.permissions.commands.cfg). */
    private static final String ASK_RULES = "{\"bash\": {\"echo ask*\": \"ask\"}}";

    private HostProcess host;
    private ChromeDriver browser;
    private Path clientConfig;
    private Path home;

    @Before
    public void start() throws Exception {
        Browser.requireInstalled();
        Path data = folder.newFolder("data").toPath();
        // a host where pairing failed often: the pairing check warns and offers to reset the counter
        Files.createDirectories(data.resolve("pairing"));
        Files.writeString(data.resolve("pairing/failures"), "60");
        home = privateDistribution();
        Files.writeString(home.resolve("etc/dev.openwork.host.permissions.commands.cfg"),
                "enabled = true\nrules = " + ASK_RULES + "\n");
        host = new HostProcess(data, home).start();
        clientConfig = folder.newFolder("owctl").toPath();
        browser = Browser.start(folder.getRoot().toPath().resolve("chromium-profile"), 390, 844);
    }

    /** A copy of the built distribution for this test alone: the page's discovery switch writes etc/. */
    private Path privateDistribution() throws Exception {
        Path copy = folder.getRoot().toPath().resolve("openwork-host");
        Process cp = new ProcessBuilder("cp", "-a", HostDistribution.distributionDir().toString(), copy.toString())
                .redirectErrorStream(true).start();
        assertTrue("copying the distribution", cp.waitFor(60, TimeUnit.SECONDS));
        assertEquals(new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8), 0, cp.exitValue());
        return copy;
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
        tap(pairingCheck.findElement(By.cssSelector("button[data-action='reset-pairing-caps']")));
        waiting().until(d -> text("action-result").contains("was reset (it stood at 60)"));
        waiting().until(d -> "OK".equals(d.findElement(By.cssSelector("li.check[data-check='pairing']")).getAttribute("data-status")));
        assertEquals(0, admin().get("/v1/pairing/caps").json().path("failuresLifetime").asInt());

        // how devices find the host: manual discovery (the launcher's --discovery manual), its link and QR code
        String manualLink = admin().get("/v1/discovery").json().path("connectLinks").path(0).asText();
        assertTrue(manualLink, manualLink.startsWith("openwork-host://127.0.0.1:" + host.lanPort + "?fp="));
        waiting().until(d -> "manual".equals(d.findElement(By.id("discovery")).getAttribute("data-mode"))
                && manualLink.equals(text("discovery-link")));
        assertEquals("true", browser.findElement(By.id("discovery")).getAttribute("data-working"));
        assertTrue(text("discovery"), text("discovery").contains("Nothing is broadcast"));
        awaitImageLoaded("discovery-qr");
        // switch to mDNS from the page: the host serves loopback only, so mDNS has nowhere to advertise and says so
        tap(browser.findElement(By.cssSelector("#discovery-buttons button[data-switch='switch-mdns']")));
        waiting().until(d -> "mdns".equals(d.findElement(By.id("discovery")).getAttribute("data-mode")));
        waiting().until(d -> text("discovery-result").contains("mDNS discovery"));
        assertEquals("false", browser.findElement(By.id("discovery")).getAttribute("data-working"));
        assertTrue(text("discovery-cause"), text("discovery-cause").startsWith("Not working: "));
        assertFalse("no link in mDNS mode", browser.findElement(By.id("discovery-connect")).isDisplayed());
        assertEquals("mdns", admin().get("/v1/discovery").json().path("mode").asText());
        Conditions.await("the switch written to etc/dev.openwork.host.discovery.cfg", WAIT, () -> {
            try {
                return Files.readString(home.resolve("etc/dev.openwork.host.discovery.cfg"))
                        .matches("(?ms).*^mode\\s*=\\s*\"?mdns.*") ? true : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        assertFalse(text("discovery"), text("discovery").contains("Nothing is broadcast"));
        // and back, with the link and its QR code again
        tap(waiting().until(d -> d.findElement(By.cssSelector("#discovery-buttons button[data-switch='switch-manual']"))));
        waiting().until(d -> "manual".equals(d.findElement(By.id("discovery")).getAttribute("data-mode"))
                && d.findElement(By.id("discovery-connect")).isDisplayed() && manualLink.equals(text("discovery-link")));
        awaitImageLoaded("discovery-qr");
        assertEquals("manual", admin().get("/v1/discovery").json().path("mode").asText());

        // open a pairing window: the code and the QR code
        tap(browser.findElement(By.id("open-window")));
        waiting().until(d -> text("pairing-code").matches("\\d{4} \\d{4}"));
        String code = admin().get("/v1/pairing/window").json().path("code").asText();
        assertEquals(code.substring(0, 4) + " " + code.substring(4), text("pairing-code"));
        awaitImageLoaded("pairing-qr");
        String link = text("pairing-link");
        assertTrue(link, link.startsWith("openwork-host://127.0.0.1:" + host.lanPort + "?fp="));

        // a real client pairs asking for the shell runtime and one folder; the page shows every grant it
        // asked for, explained and ticked, next to the standard ones, and approves exactly those
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        String asked = "status:read,tasks:run,tasks:read,permissions:answer,runtime:shell,workspace:" + workspace;
        Process pairing = host.startOwctl(clientConfig, "pair", link, "--name", "Anna's phone", "--scopes", asked);
        pairing.getOutputStream().close();
        WebElement pending = waiting().until(d -> d.findElements(By.cssSelector("li.pending")).stream().findFirst().orElse(null));
        assertTrue(pending.getText(), pending.getText().contains("Anna's phone"));
        for (String scope : asked.split(",")) {
            assertTrue(scope + " is ticked as asked", scopeBox(pending, scope).isSelected());
        }
        assertTrue(pending.getText(), pending.getText().contains("Run tasks with the “shell” runtime."));
        assertTrue(pending.getText(), pending.getText().contains("Run tasks in " + workspace + " and the folders below it."));
        for (String standard : List.of("runtime:*", "workspace:*", "admin")) {
            assertFalse(standard + " was not asked for", scopeBox(pending, standard).isSelected());
        }
        // unticking the only runtime grant would leave a device that cannot run tasks: the page says so
        tap(scopeBox(pending, "runtime:shell"));
        waiting().until(d -> pending.findElement(By.cssSelector("p.hint")).getText().contains("will not be able to run tasks"));
        tap(scopeBox(pending, "runtime:shell"));
        waiting().until(d -> !pending.findElement(By.cssSelector("p.hint")).isDisplayed());
        browser.executeScript("arguments[0].scrollIntoView({block: 'start'})", pending);
        assertFitsThePhone();
        screenshot("web-panel-approve-390x844.png");
        tap(pending.findElement(By.cssSelector("button.approve")));
        assertTrue("owctl pair finishes", pairing.waitFor(60, TimeUnit.SECONDS));
        String pairOutput = new String(pairing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(pairOutput, 0, pairing.exitValue());
        JsonNode devices = admin().get("/v1/devices").json();
        assertEquals(1, devices.size());
        String deviceId = devices.get(0).path("id").asText();
        java.util.Set<String> granted = new java.util.TreeSet<>();
        devices.get(0).path("scopes").forEach(scope -> granted.add(scope.asText()));
        assertEquals(new java.util.TreeSet<>(List.of(asked.split(","))), granted);
        waiting().until(d -> !d.findElements(By.cssSelector("li.device[data-device='" + deviceId + "']")).isEmpty());

        // the paired device runs a task in its folder; the page shows its log live, line by line
        Path go = workspace.resolve("go");
        // owctl joins the words after -- into one bash command line
        Process run = host.startOwctl(clientConfig, "run", "--workspace", workspace.toString(), "--",
                "echo first line from the phone; while [ ! -f go ]; do sleep 0.05; done; echo second line from the phone");
        run.getOutputStream().close();
        WebElement task = waiting().until(d -> d.findElements(By.cssSelector("li.task")).stream().findFirst().orElse(null));
        tap(task);
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
        tap(browser.findElement(By.id("range-week")));
        waiting().until(d -> text("range-name").equals("week"));
        assertEquals("1", browser.findElement(By.cssSelector("#chart-tasks svg")).getAttribute("data-total"));
        tap(browser.findElement(By.id("range-day")));

        assertFitsThePhone();
        screenshot("web-panel-tasks-390x844.png");
        browser.executeScript("window.scrollTo(0, 0)");
        screenshot("web-panel-390x844.png");

        // revoking from the page takes a confirming second tap, then the device's credential stops working
        WebElement revoke = browser.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke"));
        tap(revoke);
        waiting().until(d -> d.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke"))
                .getText().contains("again"));
        tap(browser.findElement(By.cssSelector("li.device[data-device='" + deviceId + "'] button.revoke")));
        waiting().until(d -> d.findElements(By.cssSelector("li.device")).isEmpty());
        assertEquals(0, admin().get("/v1/devices").json().size());
        HostProcess.Run status = host.owctl(clientConfig, null, "status");
        assertTrue(status.output(), status.exitCode() != 0);

        assertNoPolicyViolations();
    }

    @Test
    public void permissionPromptsAreAnsweredOnThePage() throws Exception {
        signIn();
        Path workspace = folder.newFolder("prompted").toPath().toRealPath();
        String laptop = pairOverLan("Ben's laptop", "[\"status:read\",\"tasks:run\",\"tasks:read\",\"permissions:answer\","
                + "\"runtime:shell\",\"workspace:" + workspace + "\"]");
        waiting().until(d -> d.findElement(By.id("no-prompts")).isDisplayed());

        // 1. the laptop's task asks (a command rule says "ask"); the page explains it and it is allowed once
        String first = submitAsDevice(laptop, workspace, bash("echo ask the page first; echo ran after the page allowed it"));
        WebElement prompt = awaitPrompt(first);
        String question = prompt.getText();
        assertTrue(question, question.contains("A task wants to run this command in " + workspace));
        assertTrue(question, question.contains("echo ask the page first; echo ran after the page allowed it"));
        assertTrue(question, question.contains("command-rules") && question.contains("echo ask*"));
        assertTrue(question, question.contains("tasks of Ben's laptop"));
        assertTrue(question, question.matches("(?s).*No answer in [01]:\\d\\d means reject.*"));
        assertTrue("'always' says exactly what it allows, and where: " + question,
                question.contains("every command matching echo *") && question.contains("in " + workspace + " only"));
        assertEquals("1", text("prompt-count"));
        openLogOf(first);
        waiting().until(d -> text("log-lines").contains("? waits for permission: echo ask the page first"));
        assertEquals("waiting_permission", text("log-state"));
        browser.executeScript("arguments[0].scrollIntoView({block: 'start'})", prompt);
        assertFitsThePhone();
        screenshot("web-panel-prompt-390x844.png");
        tap(prompt.findElement(By.cssSelector("button.allow-once")));
        waiting().until(d -> text("prompt-result").contains("allowed once by admin"));
        waiting().until(d -> text("log-lines").contains("✓ allowed once by admin"));
        waiting().until(d -> outputLines().contains("ran after the page allowed it"));
        waiting().until(d -> "succeeded".equals(text("log-state")));
        waiting().until(d -> d.findElements(By.cssSelector("li.prompt")).isEmpty() && !d.findElement(By.id("prompt-count")).isDisplayed());
        assertEquals(List.of("ask by policy:command-rules", "allow by admin"), audit(first));

        // 2. the admin's own task wants to write a credential file: asked by default, shown with its
        //    preview, rejected from the page with a message that the task's log then shows
        Http.Answer submitted = admin().post("/v1/tasks", "application/json", "{\"runtime\":\"shell\",\"workspace\":"
                + json(workspace.toString()) + ",\"steps\":[{\"tool\":\"write\",\"path\":\".env\",\"content\":\"TOKEN=from-the-task\\n\"}]}");
        assertEquals(submitted.body(), 201, submitted.status());
        String second = submitted.json().path("id").asText();
        prompt = awaitPrompt(second);
        question = prompt.getText();
        assertTrue(question, question.contains("A task wants to write the file .env"));
        assertTrue(question, question.contains("sensitive-tools") && question.contains("tasks you start on this host"));
        assertTrue(question, prompt.findElement(By.cssSelector("pre.preview")).getText().contains("+ TOKEN=from-the-task"));
        openLogOf(second);
        prompt.findElement(By.cssSelector("input.message")).sendKeys("no secrets from tasks");
        tap(prompt.findElement(By.cssSelector("button.reject")));
        waiting().until(d -> text("prompt-result").contains("rejected by admin: no secrets from tasks"));
        waiting().until(d -> text("log-lines").contains("✗ rejected by admin: no secrets from tasks"));
        waiting().until(d -> "failed".equals(text("log-state")));
        waiting().until(d -> text("log-lines").matches("(?s).*— failed: .*rejected by admin: no secrets from tasks.*"));
        assertFalse("the rejected write did not happen", Files.exists(workspace.resolve(".env")));

        // 3. "always allow" stores a rule for the laptop in that folder; the rules list shows it and forgets it
        String third = submitAsDevice(laptop, workspace, bash("echo ask for always"));
        tap(awaitPrompt(third).findElement(By.cssSelector("button.always")));
        waiting().until(d -> text("prompt-result").contains("allowed always in this workspace by admin"));
        WebElement rule = waiting().until(d -> d.findElements(By.cssSelector("li.rule")).stream().findFirst().orElse(null));
        assertTrue(rule.getText(), rule.getText().contains("echo *") && rule.getText().contains("tasks of Ben's laptop")
                && rule.getText().contains(workspace.toString()));
        JsonNode rules = admin().get("/v1/permissions/rules").json();
        assertEquals(1, rules.size());
        assertEquals("echo *", rules.get(0).path("pattern").asText());
        assertEquals(workspace.toString(), rules.get(0).path("workspace").asText());
        assertEquals("succeeded", awaitEnd(third));
        tap(rule.findElement(By.cssSelector("button.forget")));
        waiting().until(d -> d.findElements(By.cssSelector("li.rule")).isEmpty() && d.findElement(By.id("no-rules")).isDisplayed());
        assertEquals(0, admin().get("/v1/permissions/rules").json().size());

        // 4. an answer that arrives second (another tab or the phone was quicker, and this page has not
        //    heard yet) gets the host's typed refusal, shown with what to do. The other answer and the click
        //    run in one turn of the page's event loop, so the page cannot learn of the first answer in between.
        String fourth = submitAsDevice(laptop, workspace, bash("echo ask twice"));
        String promptId = awaitPrompt(fourth).getAttribute("data-prompt");
        Object otherAnswer = browser.executeScript(
                "const p = arguments[0];"
                + "const other = new XMLHttpRequest();"
                + "other.open('POST', '/v1/permissions/' + p.id + '/reply', false);"
                + "other.setRequestHeader('Content-Type', 'application/json');"
                + "other.send(JSON.stringify({taskId: p.taskId, callId: p.callId, argsHash: p.argsHash, nonce: p.nonce, reply: 'once'}));"
                + "document.querySelector(\"li.prompt[data-prompt='\" + p.id + \"'] button.reject\").click();"
                + "return other.status;",
                MAPPER.convertValue(openPrompt(fourth), java.util.Map.class));
        assertEquals(200L, otherAnswer);
        waiting().until(d -> "conflict".equals(d.findElement(By.id("prompt-result")).getAttribute("data-code")));
        String refusal = text("prompt-result");
        assertTrue(refusal, refusal.contains("Question " + promptId + " was already settled (once by admin")
                && refusal.contains("an answer counts only once.") && refusal.contains("Nothing to do;"));
        assertEquals("the first answer stands", "succeeded", awaitEnd(fourth));
        waiting().until(d -> d.findElements(By.cssSelector("li.prompt")).isEmpty());

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

    /** Submits a shell task over the LAN with a device's credential; returns its id. */
    private String submitAsDevice(String credential, Path workspace, String stepJson) throws Exception {
        java.net.http.HttpClient lan = java.net.http.HttpClient.newBuilder()
                .sslContext(Tls.recordingContext(new java.util.concurrent.atomic.AtomicReference<>())).build();
        java.net.http.HttpResponse<String> answer = lan.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("https://127.0.0.1:" + host.lanPort + "/v1/tasks"))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"runtime\":\"shell\",\"workspace\":"
                        + json(workspace.toString()) + ",\"steps\":[" + stepJson + "]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(answer.body(), 201, answer.statusCode());
        return MAPPER.readTree(answer.body()).path("id").asText();
    }

    private static String bash(String command) {
        return "{\"tool\":\"bash\",\"command\":" + json(command) + "}";
    }

    private static String json(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The question of {@code taskId} as the page lists it. */
    private WebElement awaitPrompt(String taskId) {
        return waiting().until(d -> d.findElements(By.cssSelector("li.prompt[data-task='" + taskId + "']")).stream()
                .findFirst().orElse(null));
    }

    /** Opens the live log of {@code taskId} from the task list. */
    private void openLogOf(String taskId) {
        // the task list is drawn anew on every refresh: find and tap in one go, again if it was redrawn in between
        waiting().until(d -> {
            tap(d.findElement(By.cssSelector("li.task[data-task='" + taskId + "']")));
            return true;
        });
        waiting().until(d -> taskId.equals(d.findElement(By.id("task-log")).getAttribute("data-task")));
    }

    /** What the task printed, without the page's own notes (permission and state lines). */
    private String outputLines() {
        return browser.findElements(By.cssSelector("#log-lines .line")).stream().map(WebElement::getText)
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The open question of {@code taskId}, as GET /v1/permissions gives it. */
    private JsonNode openPrompt(String taskId) {
        for (JsonNode prompt : admin().get("/v1/permissions").json()) {
            if (taskId.equals(prompt.path("taskId").asText())) {
                return prompt;
            }
        }
        throw new AssertionError("no open question for " + taskId);
    }

    private String awaitEnd(String taskId) {
        return Conditions.await("task " + taskId + " to end", WAIT, () -> {
            String state = admin().get("/v1/tasks/" + taskId).json().path("state").asText();
            return List.of("succeeded", "failed", "cancelled", "interrupted").contains(state) ? state : null;
        });
    }

    /** The audit entries of a task, as "decision by" strings. */
    private List<String> audit(String taskId) {
        List<String> entries = new java.util.ArrayList<>();
        admin().get("/v1/audit?task=" + taskId + "&limit=100").json().path("entries")
                .forEach(e -> entries.add(e.path("decision").asText() + " by " + e.path("decidedBy").asText()));
        return entries;
    }

    /**
     * Clicks as a thumb would after scrolling to it: centred, so the sticky header is never what the
     * click lands on. The live page may move the element between the scroll and the click (a task or
     * a rule appearing above it); then it scrolls and taps again, as a person would.
     */
    private void tap(WebElement element) {
        waiting().until(d -> {
            browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
            try {
                element.click();
                return true;
            } catch (org.openqa.selenium.ElementClickInterceptedException movedUnderSomethingElse) {
                return null;
            }
        });
    }

    /** The checkbox of {@code scope} in a waiting device's list. */
    private static WebElement scopeBox(WebElement pending, String scope) {
        return pending.findElement(By.cssSelector("li[data-scope='" + scope + "'] input[type='checkbox']"));
    }

    private void awaitImageLoaded(String id) {
        waiting().until(d -> Long.valueOf(1).equals(((ChromeDriver) d).executeScript(
                "const i = document.getElementById(arguments[0]); return i.complete && i.naturalWidth > 0 ? 1 : 0;", id)));
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
