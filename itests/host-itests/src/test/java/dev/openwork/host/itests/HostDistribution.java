package dev.openwork.host.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.ops4j.pax.exam.Option;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Pax Exam options that boot exactly the bundles of the assembled distribution (from its
 * system/features.xml), with fresh etc/, deploy/ and data/ folders per test class.
 */
final class HostDistribution {

    static final String ETC_DIR = "openwork.itest.etc";
    static final String DEPLOY_DIR = "openwork.itest.deploy";
    static final String HTTP_PORT = "org.osgi.service.http.port";
    /** The TLS listener, on 127.0.0.1 only in tests. */
    static final String LAN_PORT = "openwork.lan.port";

    private HostDistribution() {
    }

    static Path distributionDir() {
        return Path.of(System.getProperty("openwork.dist.dir", "../../distribution/target/openwork-host")).toAbsolutePath().normalize();
    }

    static Path probeJar() {
        return Path.of(System.getProperty("openwork.probe.jar")).toAbsolutePath().normalize();
    }

    /** The example policy bundle (examples/dev.openwork.host.example.policy). */
    static Path examplePolicyJar() {
        return Path.of(System.getProperty("openwork.example.policy.jar")).toAbsolutePath().normalize();
    }

    /** Options for a host with the given boot features, on a free loopback port. */
    static Option host(String... features) {
        try {
            Path dist = distributionDir();
            Path work = Files.createTempDirectory("openwork-itest-");
            Path etc = Files.createDirectories(work.resolve("etc"));
            Path deploy = Files.createDirectories(work.resolve("deploy"));
            Path data = Files.createDirectories(work.resolve("data"));
            try (Stream<Path> configs = Files.list(dist.resolve("etc"))) {
                for (Path config : configs.filter(p -> p.toString().endsWith(".cfg")).toList()) {
                    Files.copy(config, etc.resolve(config.getFileName()));
                }
            }
            List<Option> options = new ArrayList<>();
            for (Map.Entry<String, int[]> entry : bundles(dist, features).entrySet()) {
                int startLevel = entry.getValue()[0];
                boolean start = entry.getValue()[1] == 1;
                options.add(start ? bundle(entry.getKey()).startLevel(startLevel)
                        : bundle(entry.getKey()).startLevel(startLevel).noStart());
            }
            options.add(junitBundles());
            options.add(frameworkStartLevel(10));
            options.add(frameworkProperty(HTTP_PORT).value(Integer.toString(freePort())));
            options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
            options.add(frameworkProperty(LAN_PORT).value(Integer.toString(freePort())));
            options.add(frameworkProperty("openwork.lan.addresses").value("127.0.0.1"));
            // mDNS would find no multicast-capable interface on loopback; tests that need it choose it
            options.add(frameworkProperty("openwork.discovery.mode").value("manual"));
            options.add(frameworkProperty("openwork.host.data").value(data.toString()));
            options.add(frameworkProperty("openwork.host.deploy").value(deploy.toString()));
            options.add(frameworkProperty(ETC_DIR).value(etc.toString()));
            options.add(frameworkProperty(DEPLOY_DIR).value(deploy.toString()));
            options.add(frameworkProperty("felix.fileinstall.dir").value(etc.toString()));
            options.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.(cfg|config)"));
            options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
            options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
            options.add(frameworkProperty("gosh.args").value("--nointeractive --noshutdown"));
            options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
            options.add(systemProperty("openwork.probe.jar").value(probeJar().toString()));
            options.add(systemProperty("openwork.example.policy.jar").value(examplePolicyJar().toString()));
            // the proof suites' mode and figures file reach tests that run inside the forked framework
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("openwork.proof.")) {
                    options.add(systemProperty(name).value(System.getProperty(name)));
                }
            }
            options.add(systemProperty("openwork.proof.figures").value(Path.of(System.getProperty("openwork.proof.figures",
                    "target/proof/figures.tsv")).toAbsolutePath().toString()));
            return composite(options.toArray(Option[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** file: URL of each bundle -> {start level, 1 if started}. The interactive shell never starts here. */
    private static Map<String, int[]> bundles(Path dist, String... features) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().parse(dist.resolve("system/features.xml").toFile());
            Map<String, Element> byName = new LinkedHashMap<>();
            NodeList nodes = document.getElementsByTagNameNS("*", "feature");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element element = (Element) nodes.item(i);
                if (element.hasAttribute("name")) {
                    byName.put(element.getAttribute("name"), element);
                }
            }
            Map<String, int[]> bundles = new LinkedHashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            for (String feature : features) {
                collect(feature, byName, bundles, seen, dist.resolve("system"));
            }
            return bundles;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException(e);
        }
    }

    private static void collect(String name, Map<String, Element> byName, Map<String, int[]> bundles, Set<String> seen,
            Path system) {
        if (!seen.add(name)) {
            return;
        }
        Element feature = byName.get(name);
        if (feature == null) {
            throw new IllegalArgumentException("no feature " + name);
        }
        NodeList children = feature.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && "feature".equals(child.getLocalName())) {
                collect(child.getTextContent().trim(), byName, bundles, seen, system);
            }
        }
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && "bundle".equals(child.getLocalName())) {
                String[] gav = child.getTextContent().trim().substring(4).split("/");
                Path jar = system.resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2])
                        .resolve(gav[1] + "-" + gav[2] + ".jar");
                int level = child.hasAttribute("start-level") ? Integer.parseInt(child.getAttribute("start-level")) : 5;
                boolean start = !"false".equals(child.getAttribute("start")) && !gav[1].equals("org.apache.felix.gogo.jline");
                bundles.putIfAbsent(jar.toUri().toString(), new int[] {level, start ? 1 : 0});
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
