package dev.openwork.host.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * bench/web.sh: the web page in headless Chromium (390x844) against a running host.
 * <ol>
 * <li>first load: from navigation start to the page showing everything (health, pairing, devices,
 * tasks, charts loaded: the {@code openwork-ready} mark), with the DOMContentLoaded time, over
 * fresh reloads of a signed-in page;</li>
 * <li>task event to page: a task prints its wall-clock time ({@code $EPOCHREALTIME}) on each line;
 * the page's live log stamps the moment each line is added to the document; the difference is the
 * whole path: process, journal (fsync), event stream, browser.</li>
 * </ol>
 * Arguments: HTTP port, data directory, workspace directory, reloads, lines.
 */
public final class WebPageBenchmark {

    private WebPageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        Path workspace = Path.of(args[2]).toRealPath();
        int reloads = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int lines = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Http admin = new Http(port, Http.adminCredential(data));
        Path profile = Files.createTempDirectory("openwork-bench-chromium");
        ChromeDriver browser = Browser.start(profile.resolve("profile"), 390, 844);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(10));
            String link = admin.post("/v1/session/link", "application/json", "").json().path("link").asText();
            browser.get(link);
            wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));

            List<Double> ready = new ArrayList<>();
            List<Double> domReady = new ArrayList<>();
            for (int i = 0; i < reloads + 3; i++) {
                browser.navigate().refresh();
                wait.until(d -> ((ChromeDriver) d).executeScript(
                        "return performance.getEntriesByName('openwork-ready').length") instanceof Long n && n > 0);
                @SuppressWarnings("unchecked")
                Map<String, Object> timing = (Map<String, Object>) browser.executeScript(
                        "const n = performance.getEntriesByType('navigation')[0];"
                        + "return {ready: performance.getEntriesByName('openwork-ready')[0].startTime,"
                        + " dom: n.domContentLoadedEventEnd};");
                if (i >= 3) { // the first reloads warm up the JIT of the host and the browser's caches
                    ready.add(((Number) timing.get("ready")).doubleValue());
                    domReady.add(((Number) timing.get("dom")).doubleValue());
                }
            }
            report("first load, navigation to everything shown (ms)", ready);
            report("first load, navigation to DOMContentLoaded (ms)", domReady);

            Http.Answer task = admin.post("/v1/tasks", "application/json", "{\"runtime\":\"shell\",\"workspace\":\"" + workspace
                    + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"while [ ! -f go ]; do sleep 0.02; done; "
                    + "for i in $(seq 1 " + lines + "); do echo t=$EPOCHREALTIME; sleep 0.02; done\"}]}");
            if (task.status() != 201) {
                throw new IllegalStateException("task refused: " + task.body());
            }
            String taskId = task.json().path("id").asText();
            wait.until(d -> !d.findElements(By.cssSelector("li.task[data-task='" + taskId + "']")).isEmpty());
            browser.findElement(By.cssSelector("li.task[data-task='" + taskId + "']")).click();
            wait.until(d -> taskId.equals(d.findElement(By.id("task-log")).getAttribute("data-task")));
            browser.executeScript("window.seen = [];"
                    + "new MutationObserver((changes) => { const now = performance.timeOrigin + performance.now();"
                    + "  for (const c of changes) for (const n of c.addedNodes) window.seen.push([n.textContent, now]); })"
                    + ".observe(document.getElementById('log-lines'), {childList: true});");
            Files.writeString(workspace.resolve("go"), "");
            wait.until(d -> ((Number) ((ChromeDriver) d).executeScript("return window.seen.length")).intValue() >= lines);
            @SuppressWarnings("unchecked")
            List<List<Object>> seen = (List<List<Object>>) browser.executeScript("return window.seen");
            List<Double> latencies = new ArrayList<>();
            for (List<Object> line : seen) {
                String text = line.get(0).toString().trim();
                if (text.startsWith("t=")) {
                    double printedMillis = Double.parseDouble(text.substring(2)) * 1000;
                    latencies.add(((Number) line.get(1)).doubleValue() - printedMillis);
                }
            }
            report("task line printed to shown in the page's live log (ms), " + latencies.size() + " lines", latencies);
        } finally {
            browser.quit();
        }
    }

    private static void report(String what, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        System.out.println(String.format(Locale.ROOT, "%-70s p50 %7.1f  p90 %7.1f  p99 %7.1f  max %7.1f  (n=%d)", what,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted.get(sorted.size() - 1),
                sorted.size()));
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
