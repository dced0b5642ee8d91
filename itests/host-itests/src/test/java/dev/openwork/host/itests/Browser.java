package dev.openwork.host.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its own chromedriver (both installed by .ci/run), with a
 * fresh profile, at a phone's size, and with everything that would reach the internet switched off.
 * Selenium is given both paths, so it never looks for or downloads a browser itself.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getProperty("openwork.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("openwork.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** Fails with the fix when the browser is missing, rather than skipping: CI must run these tests. */
    static void requireInstalled() {
        for (Path tool : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(tool)) {
                throw new AssertionError(tool + " is missing: install Debian's browser with "
                        + "apt-get install -y chromium chromium-driver (.ci/run does this)");
            }
        }
    }

    /** A phone-sized browser ({@code width} x {@code height} CSS pixels) with a fresh profile in {@code profile}. */
    static ChromeDriver start(Path profile, int width, int height) throws IOException {
        requireInstalled();
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        // a desktop window has a minimum width; a phone's viewport is set exactly by emulating its metrics
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                Map.of("width", width, "height", height, "pixelRatio", 1.0)));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(profile.resolveSibling("chromedriver.log").toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }
}
