package dev.openwork.host.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

public class FeatureRepositoryTest {

    private static final String NS = "http://karaf.apache.org/xmlns/features/v1.6.0";

    private static FeatureRepository read(String featuresBody) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<features name=\"test\" xmlns=\"" + NS + "\">\n"
                + featuresBody + "\n</features>\n";
        return FeatureRepository.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
    }

    private static List<String> locations(List<FeatureRepository.BundleSpec> bundles) {
        return bundles.stream().map(FeatureRepository.BundleSpec::location).toList();
    }

    private static IOException readFails(String featuresBody) {
        try {
            read(featuresBody);
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException for " + featuresBody);
    }

    private static IOException bundlesForFails(FeatureRepository repository, List<String> boot) {
        try {
            repository.bundlesFor(boot);
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException for " + boot);
    }

    private static final String LAYERED = """
            <feature name="base">
              <bundle start-level="1">mvn:g/base-a/1</bundle>
              <bundle start-level="2">mvn:g/base-b/1</bundle>
            </feature>
            <feature name="middle">
              <feature>base</feature>
              <bundle start-level="3">mvn:g/middle/1</bundle>
            </feature>
            <feature name="top">
              <feature>middle</feature>
              <bundle>mvn:g/top/1</bundle>
            </feature>
            <feature name="other">
              <feature>base</feature>
              <bundle start-level="4" start="false">mvn:g/other/1</bundle>
            </feature>
            """;

    @Test
    public void nestedFeaturesResolveTransitivelyInOrder() throws IOException {
        FeatureRepository repository = read(LAYERED);
        assertEquals(List.of("mvn:g/base-a/1", "mvn:g/base-b/1", "mvn:g/middle/1", "mvn:g/top/1"),
                locations(repository.bundlesFor(List.of("top"))));
    }

    @Test
    public void featureNamesInDocumentOrder() throws IOException {
        assertEquals(List.of("base", "middle", "top", "other"), List.copyOf(read(LAYERED).featureNames()));
    }

    @Test
    public void sharedFeaturesAndBundlesAppearOnce() throws IOException {
        FeatureRepository repository = read(LAYERED);
        List<String> locations = locations(repository.bundlesFor(List.of("top", "other", "middle", "top")));
        assertEquals(List.of("mvn:g/base-a/1", "mvn:g/base-b/1", "mvn:g/middle/1", "mvn:g/top/1", "mvn:g/other/1"),
                locations);
    }

    @Test
    public void bootOrderDecidesTheOrder() throws IOException {
        FeatureRepository repository = read(LAYERED);
        assertEquals(List.of("mvn:g/base-a/1", "mvn:g/base-b/1", "mvn:g/other/1", "mvn:g/middle/1", "mvn:g/top/1"),
                locations(repository.bundlesFor(List.of("other", "top"))));
    }

    @Test
    public void theFirstOccurrenceOfABundleWins() throws IOException {
        FeatureRepository repository = read("""
                <feature name="one">
                  <bundle start-level="2">mvn:g/shared/1</bundle>
                  <bundle start-level="3">mvn:g/one/1</bundle>
                </feature>
                <feature name="two">
                  <bundle start-level="4" start="false">mvn:g/shared/1</bundle>
                  <bundle start-level="3">mvn:g/two/1</bundle>
                </feature>
                """);
        List<FeatureRepository.BundleSpec> bundles = repository.bundlesFor(List.of("one", "two"));
        assertEquals(List.of(
                new FeatureRepository.BundleSpec("mvn:g/shared/1", 2, true),
                new FeatureRepository.BundleSpec("mvn:g/one/1", 3, true),
                new FeatureRepository.BundleSpec("mvn:g/two/1", 3, true)), bundles);

        List<FeatureRepository.BundleSpec> reversed = repository.bundlesFor(List.of("two", "one"));
        assertEquals(new FeatureRepository.BundleSpec("mvn:g/shared/1", 4, false), reversed.get(0));
        assertEquals(3, reversed.size());
    }

    @Test
    public void startFalseIsHonouredAndStartDefaultsToTrue() throws IOException {
        FeatureRepository repository = read("""
                <feature name="f">
                  <bundle start-level="3" start="false">mvn:g/fragment/1</bundle>
                  <bundle start-level="3" start="FALSE">mvn:g/fragment2/1</bundle>
                  <bundle start-level="3" start="true">mvn:g/explicit/1</bundle>
                  <bundle start-level="3">mvn:g/implicit/1</bundle>
                </feature>
                """);
        List<FeatureRepository.BundleSpec> bundles = repository.bundlesFor(List.of("f"));
        assertEquals(List.of(false, false, true, true), bundles.stream().map(FeatureRepository.BundleSpec::start).toList());
    }

    @Test
    public void defaultStartLevelIsTheHostStartLevel() throws IOException {
        FeatureRepository repository = read("""
                <feature name="f">
                  <bundle>mvn:g/no-level/1</bundle>
                  <bundle start-level="1">mvn:g/level-one/1</bundle>
                  <bundle start-level=" 5 ">mvn:g/level-five/1</bundle>
                </feature>
                """);
        List<FeatureRepository.BundleSpec> bundles = repository.bundlesFor(List.of("f"));
        assertEquals(new FeatureRepository.BundleSpec("mvn:g/no-level/1", Launcher.HOST_START_LEVEL, true), bundles.get(0));
        assertEquals(1, bundles.get(1).startLevel());
        assertEquals(5, bundles.get(2).startLevel());
    }

    @Test
    public void whitespaceAroundLocationsAndNamesIsIgnored() throws IOException {
        FeatureRepository repository = read("""
                <feature name=" base ">
                  <bundle>
                     mvn:g/a/1
                  </bundle>
                </feature>
                <feature name="top"><feature>  base  </feature></feature>
                """);
        assertEquals(List.of("mvn:g/a/1"), locations(repository.bundlesFor(List.of("top"))));
    }

    @Test
    public void worksWithoutTheKarafNamespace() throws IOException {
        String xml = "<features><feature name=\"f\"><bundle>mvn:g/a/1</bundle></feature></features>";
        FeatureRepository repository = FeatureRepository.read(
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "plain.xml");
        assertEquals(List.of("mvn:g/a/1"), locations(repository.bundlesFor(List.of("f"))));
    }

    @Test
    public void noBootFeaturesMeansNoBundles() throws IOException {
        assertTrue(read(LAYERED).bundlesFor(List.of()).isEmpty());
    }

    @Test
    public void unknownBootFeatureIsAnErrorNamingIt() throws IOException {
        IOException e = bundlesForFails(read(LAYERED), List.of("top", "nosuchfeature"));
        assertTrue(e.getMessage(), e.getMessage().contains("'nosuchfeature'"));
        assertTrue("lists the known features: " + e.getMessage(), e.getMessage().contains("base, middle, top, other"));
    }

    @Test
    public void unknownNestedFeatureIsAnErrorNamingIt() throws IOException {
        FeatureRepository repository = read("<feature name=\"a\"><feature>ghost</feature></feature>");
        IOException e = bundlesForFails(repository, List.of("a"));
        assertTrue(e.getMessage(), e.getMessage().contains("'ghost'"));
    }

    @Test
    public void aCycleIsAnError() throws IOException {
        FeatureRepository repository = read("""
                <feature name="a"><feature>b</feature><bundle>mvn:g/a/1</bundle></feature>
                <feature name="b"><feature>c</feature><bundle>mvn:g/b/1</bundle></feature>
                <feature name="c"><feature>a</feature><bundle>mvn:g/c/1</bundle></feature>
                """);
        IOException e = bundlesForFails(repository, List.of("a"));
        assertTrue(e.getMessage(), e.getMessage().contains("cycle"));
        assertTrue(e.getMessage(), e.getMessage().contains("a -> b -> c -> a"));
    }

    @Test
    public void aSelfReferenceIsACycle() throws IOException {
        FeatureRepository repository = read("<feature name=\"a\"><feature>a</feature></feature>");
        IOException e = bundlesForFails(repository, List.of("a"));
        assertTrue(e.getMessage(), e.getMessage().contains("cycle"));
    }

    @Test
    public void aDiamondIsNotACycle() throws IOException {
        FeatureRepository repository = read("""
                <feature name="base"><bundle>mvn:g/base/1</bundle></feature>
                <feature name="left"><feature>base</feature><bundle>mvn:g/left/1</bundle></feature>
                <feature name="right"><feature>base</feature><bundle>mvn:g/right/1</bundle></feature>
                <feature name="top"><feature>left</feature><feature>right</feature></feature>
                """);
        assertEquals(List.of("mvn:g/base/1", "mvn:g/left/1", "mvn:g/right/1"),
                locations(repository.bundlesFor(List.of("top"))));
    }

    @Test
    public void badStartLevelsAreErrors() {
        for (String level : new String[] {"0", "-1", "6", "99", "x", "1.5"}) {
            IOException e = readFails("<feature name=\"f\"><bundle start-level=\"" + level + "\">mvn:g/a/1</bundle></feature>");
            assertTrue(level + ": " + e.getMessage(), e.getMessage().contains("start-level '" + level + "'"));
            assertTrue(level + ": " + e.getMessage(), e.getMessage().contains("'f'"));
        }
    }

    @Test
    public void aFeatureWithoutNameIsAnError() {
        IOException e = readFails("<feature><bundle>mvn:g/a/1</bundle></feature>");
        assertTrue(e.getMessage(), e.getMessage().contains("no name"));
    }

    @Test
    public void aFeatureDefinedTwiceIsAnError() {
        IOException e = readFails("<feature name=\"f\"/><feature name=\"f\"/>");
        assertTrue(e.getMessage(), e.getMessage().contains("'f' twice"));
    }

    @Test
    public void malformedXmlIsAnError() {
        IOException e = readFails("<feature name=\"f\">");
        assertTrue(e.getMessage(), e.getMessage().contains("test.xml"));
    }

    @Test
    public void aDoctypeIsRefused() throws IOException {
        Path secret = Files.createTempFile("features-xxe", ".txt");
        try {
            Files.writeString(secret, "TOP-SECRET-CONTENT");
            String xml = "<?xml version=\"1.0\"?>\n"
                    + "<!DOCTYPE features [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                    + "<features><feature name=\"f\"><bundle>mvn:g/&xxe;/1</bundle></feature></features>";
            try {
                FeatureRepository repository = FeatureRepository.read(
                        new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "evil.xml");
                fail("a DOCTYPE must be refused, got " + repository.bundlesFor(List.of("f")));
            } catch (IOException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("evil.xml"));
                assertFalse(e.getMessage(), e.getMessage().contains("TOP-SECRET-CONTENT"));
            }
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    public void anInternalEntityDoctypeIsRefusedToo() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE features [<!ENTITY a \"aaaaaaaa\">]><features/>";
        try {
            FeatureRepository.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "bomb.xml");
            fail("a DOCTYPE must be refused");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("bomb.xml"));
        }
    }

    // --- mvn: locations ---

    @Test
    public void resolveMavenUsesTheRepositoryLayout() throws IOException {
        assertEquals(Path.of("/repo/org/example/foo/1.2/foo-1.2.jar"),
                FeatureRepository.resolveMaven(Path.of("/repo"), "mvn:org.example/foo/1.2"));
        assertEquals(Path.of("/repo/single/a-b/3.0.0-SNAPSHOT/a-b-3.0.0-SNAPSHOT.jar"),
                FeatureRepository.resolveMaven(Path.of("/repo"), "mvn:single/a-b/3.0.0-SNAPSHOT"));
    }

    @Test
    public void badLocationsAreErrors() {
        for (String location : new String[] {
                "org.example/foo/1.2",
                "file:/tmp/foo.jar",
                "mvn:org.example/foo",
                "mvn:org.example/foo/1.2/jar",
                "mvn:org.example/ /1.2",
                "mvn: /foo/1.2",
                "mvn:org.example/foo/ ",
                "mvn:",
                "mvn:org.example//1.2"}) {
            try {
                FeatureRepository.resolveMaven(Path.of("/repo"), location);
                fail("expected an IOException for '" + location + "'");
            } catch (IOException e) {
                assertTrue(location + ": " + e.getMessage(), e.getMessage().contains("'" + location + "'"));
            }
        }
    }

    // --- the real features file of the build ---

    @Test
    public void theRealFeaturesFileResolvesTheDefaultBootFeatures() throws IOException {
        Path file = Path.of("../features/src/main/resources/features.xml");
        assertTrue("not found from " + Path.of("").toAbsolutePath() + ": " + file, Files.isRegularFile(file));
        FeatureRepository repository = FeatureRepository.read(file);
        assertTrue(repository.featureNames().containsAll(Set.of("core", "rest", "console")));

        List<FeatureRepository.BundleSpec> bundles = repository.bundlesFor(List.of("core", "rest", "console"));
        assertFalse(bundles.isEmpty());
        for (FeatureRepository.BundleSpec bundle : bundles) {
            assertTrue(bundle.location(), bundle.location().startsWith("mvn:"));
            assertTrue(bundle.location(), bundle.startLevel() >= 1 && bundle.startLevel() <= Launcher.HOST_START_LEVEL);
            // every location, even with ${...} unfiltered, has the mvn:group/artifact/version shape
            FeatureRepository.resolveMaven(Path.of("/repo"), bundle.location());
        }
        Set<String> artifacts = bundles.stream().map(b -> b.location().split("/")[1]).collect(Collectors.toSet());
        assertTrue(artifacts.toString(), artifacts.contains("org.apache.felix.gogo.jline"));
        assertTrue(artifacts.toString(), artifacts.contains("dev.openwork.host.transport.http"));
        assertTrue(artifacts.toString(), artifacts.contains("dev.openwork.host.core"));
        assertTrue(artifacts.toString(), artifacts.contains("dev.openwork.host.console"));
        assertEquals("each bundle once", bundles.size(), locations(bundles).stream().distinct().count());

        // the only fragment is installed, not started
        List<String> notStarted = bundles.stream().filter(b -> !b.start()).map(b -> b.location().split("/")[1]).toList();
        assertEquals(List.of("org.eclipse.osgitech.rest.sse"), notStarted);
    }
}
