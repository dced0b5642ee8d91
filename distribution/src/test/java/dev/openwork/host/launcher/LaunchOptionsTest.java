package dev.openwork.host.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class LaunchOptionsTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path home;

    @Before
    public void setUp() throws IOException {
        home = temp.newFolder("home").toPath();
    }

    private LaunchOptions parse(Map<String, String> env, String... args) throws Exception {
        return LaunchOptions.parse(home, args, env);
    }

    private void writeSettings(String content) throws IOException {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Files.writeString(etc.resolve("openwork-host.properties"), content);
    }

    private String usageError(Map<String, String> env, String... args) throws IOException {
        try {
            LaunchOptions.parse(home, args, env);
        } catch (LaunchOptions.UsageException e) {
            return e.getMessage();
        }
        fail("expected a UsageException for " + List.of(args) + " " + env);
        return null;
    }

    @Test
    public void defaults() throws Exception {
        LaunchOptions options = parse(Map.of());
        assertEquals(home.toAbsolutePath().normalize(), options.home());
        assertEquals(home.resolve("data").toAbsolutePath().normalize(), options.dataDirectory());
        assertEquals(4747, options.httpPort());
        assertEquals("127.0.0.1", options.httpHost());
        assertEquals(List.of("core", "rest", "console"), options.bootFeatures());
        assertEquals(LaunchOptions.Console.AUTO, options.console());
        assertTrue(options.settings().isEmpty());
    }

    @Test
    public void theSettingsFileIsRead() throws Exception {
        writeSettings("http.port=5000\nfeatures.boot=core\nhttp.host = 0.0.0.0 \nother.key=kept\n");
        LaunchOptions options = parse(Map.of());
        assertEquals(5000, options.httpPort());
        assertEquals(List.of("core"), options.bootFeatures());
        assertEquals("0.0.0.0", options.httpHost());
        assertEquals("kept", options.settings().getProperty("other.key"));
        assertEquals(home.resolve("data").toAbsolutePath().normalize(), options.dataDirectory());
    }

    @Test
    public void bootFeaturesAreTrimmedAndEmptyEntriesDropped() throws Exception {
        writeSettings("features.boot= core ,, rest,\n");
        assertEquals(List.of("core", "rest"), parse(Map.of()).bootFeatures());
    }

    @Test
    public void environmentOverridesTheSettingsFile() throws Exception {
        writeSettings("http.port=5000\n");
        Path envData = temp.newFolder("env-data").toPath();
        LaunchOptions options = parse(Map.of("OPENWORK_HOST_DATA", envData.toString(), "OPENWORK_HOST_PORT", "6000"));
        assertEquals(6000, options.httpPort());
        assertEquals(envData.toAbsolutePath().normalize(), options.dataDirectory());
    }

    @Test
    public void optionsOverrideTheEnvironment() throws Exception {
        writeSettings("http.port=5000\n");
        Path envData = temp.newFolder("env-data").toPath();
        Path argData = temp.newFolder("arg-data").toPath();
        LaunchOptions options = parse(Map.of("OPENWORK_HOST_DATA", envData.toString(), "OPENWORK_HOST_PORT", "6000"),
                "--data", argData.toString(), "--port", "7000");
        assertEquals(7000, options.httpPort());
        assertEquals(argData.toAbsolutePath().normalize(), options.dataDirectory());
    }

    @Test
    public void theLastOptionWins() throws Exception {
        assertEquals(2, parse(Map.of(), "--port", "1", "--port", "2").httpPort());
        assertEquals(LaunchOptions.Console.INTERACTIVE, parse(Map.of(), "--headless", "--interactive").console());
    }

    @Test
    public void portZeroAndMaxAreAccepted() throws Exception {
        assertEquals(0, parse(Map.of(), "--port", "0").httpPort());
        assertEquals(65535, parse(Map.of(), "--port", "65535").httpPort());
        assertEquals(8080, parse(Map.of("OPENWORK_HOST_PORT", " 8080 ")).httpPort());
    }

    @Test
    public void dataDirectoryIsAbsoluteAndNormalized() throws Exception {
        Path data = temp.getRoot().toPath().resolve("x").resolve("..").resolve("d");
        LaunchOptions options = parse(Map.of(), "--data", data.toString());
        assertEquals(temp.getRoot().toPath().resolve("d").toAbsolutePath().normalize(), options.dataDirectory());
        assertTrue(options.dataDirectory().isAbsolute());
    }

    @Test
    public void headlessAndInteractive() throws Exception {
        LaunchOptions auto = parse(Map.of());
        assertTrue(auto.interactive(true));
        assertFalse(auto.interactive(false));

        LaunchOptions headless = parse(Map.of(), "--headless");
        assertEquals(LaunchOptions.Console.HEADLESS, headless.console());
        assertFalse(headless.interactive(true));
        assertFalse(headless.interactive(false));

        LaunchOptions interactive = parse(Map.of(), "--interactive");
        assertEquals(LaunchOptions.Console.INTERACTIVE, interactive.console());
        assertTrue(interactive.interactive(true));
        assertTrue(interactive.interactive(false));
    }

    @Test
    public void unknownOptionIsAUsageError() throws IOException {
        String message = usageError(Map.of(), "--verbose");
        assertTrue(message, message.contains("'--verbose'"));
        message = usageError(Map.of(), "stray");
        assertTrue(message, message.contains("'stray'"));
    }

    @Test
    public void missingValueIsAUsageError() throws IOException {
        String message = usageError(Map.of(), "--port");
        assertTrue(message, message.contains("--port") && message.contains("needs a value"));
        message = usageError(Map.of(), "--data");
        assertTrue(message, message.contains("--data") && message.contains("needs a value"));
        message = usageError(Map.of(), "--data", "--headless");
        assertTrue(message, message.contains("--data") && message.contains("needs a value"));
    }

    @Test
    public void badPortsAreUsageErrors() throws IOException {
        for (String port : new String[] {"abc", "70000", "65536", "-1", "80x", ""}) {
            String message = usageError(Map.of(), "--port", port);
            assertTrue(port + ": " + message, message.contains("'" + port + "'"));
            assertTrue(port + ": " + message, message.contains("0 to 65535"));
        }
    }

    @Test
    public void badPortFromEnvironmentOrFileIsAUsageError() throws IOException {
        String message = usageError(Map.of("OPENWORK_HOST_PORT", "abc"));
        assertTrue(message, message.contains("'abc'"));
        writeSettings("http.port=70000\n");
        message = usageError(Map.of());
        assertTrue(message, message.contains("'70000'"));
    }

    @Test
    public void helpIsAUsageErrorWithAnEmptyMessage() throws IOException {
        assertEquals("", usageError(Map.of(), "--help"));
        assertEquals("", usageError(Map.of(), "-h"));
        assertEquals("", usageError(Map.of(), "--port", "4748", "--help", "--bogus"));
    }

    @Test
    public void usageTextNamesEveryOption() {
        for (String option : new String[] {"--data", "--port", "--headless", "--interactive", "--help"}) {
            assertTrue(option, LaunchOptions.USAGE.contains(option));
        }
    }
}
