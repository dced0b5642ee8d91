package dev.openwork.host.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the features file (Karaf features XML: {@code feature}, nested feature references,
 * {@code bundle} with {@code start-level} and {@code start}) and turns a list of boot features into
 * the ordered list of bundles to run.
 */
final class FeatureRepository {

    /** One bundle of a feature. */
    record BundleSpec(String location, int startLevel, boolean start) {
    }

    private record Feature(String name, List<String> features, List<BundleSpec> bundles) {
    }

    private final Map<String, Feature> features;

    private FeatureRepository(Map<String, Feature> features) {
        this.features = features;
    }

    static FeatureRepository read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    static FeatureRepository read(InputStream in, String source) throws IOException {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // the default handler prints to stderr before throwing; the exception alone says it all
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            document = builder.parse(in, source);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("The features file " + source + " is not valid XML: " + e.getMessage(), e);
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        NodeList featureNodes = document.getDocumentElement().getChildNodes();
        for (int i = 0; i < featureNodes.getLength(); i++) {
            if (featureNodes.item(i) instanceof Element element && "feature".equals(element.getLocalName())) {
                Feature feature = parseFeature(element, source);
                if (features.putIfAbsent(feature.name(), feature) != null) {
                    throw new IOException("The features file " + source + " defines the feature '" + feature.name() + "' twice.");
                }
            }
        }
        return new FeatureRepository(features);
    }

    private static Feature parseFeature(Element element, String source) throws IOException {
        String name = element.getAttribute("name").trim();
        if (name.isEmpty()) {
            throw new IOException("A feature in " + source + " has no name.");
        }
        List<String> nested = new ArrayList<>();
        List<BundleSpec> bundles = new ArrayList<>();
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (!(child instanceof Element childElement)) {
                continue;
            }
            String text = childElement.getTextContent().trim();
            switch (childElement.getLocalName()) {
                case "feature" -> nested.add(text);
                case "bundle" -> bundles.add(new BundleSpec(text, parseStartLevel(childElement, name, source),
                        !"false".equalsIgnoreCase(childElement.getAttribute("start").trim())));
                default -> {
                    // other Karaf elements (config, capability, ...) are not used by this host
                }
            }
        }
        return new Feature(name, nested, bundles);
    }

    private static int parseStartLevel(Element bundle, String feature, String source) throws IOException {
        String value = bundle.getAttribute("start-level").trim();
        if (value.isEmpty()) {
            return Launcher.HOST_START_LEVEL;
        }
        try {
            int level = Integer.parseInt(value);
            if (level < 1 || level > Launcher.HOST_START_LEVEL) {
                throw new NumberFormatException();
            }
            return level;
        } catch (NumberFormatException e) {
            throw new IOException("Feature '" + feature + "' in " + source + " has start-level '" + value
                    + "'; use a number from 1 to " + Launcher.HOST_START_LEVEL + ".");
        }
    }

    Set<String> featureNames() {
        return features.keySet();
    }

    /**
     * The bundles of the given features and of every feature they name, each once (first
     * occurrence wins), in the order they appear.
     */
    List<BundleSpec> bundlesFor(List<String> bootFeatures) throws IOException {
        Map<String, BundleSpec> bundles = new LinkedHashMap<>();
        Set<String> visited = new LinkedHashSet<>();
        for (String name : bootFeatures) {
            collect(name, bundles, visited, new LinkedHashSet<>());
        }
        return new ArrayList<>(bundles.values());
    }

    private void collect(String name, Map<String, BundleSpec> bundles, Set<String> visited, Set<String> path)
            throws IOException {
        if (!path.add(name)) {
            throw new IOException("The features " + String.join(" -> ", path) + " -> " + name + " form a cycle.");
        }
        if (visited.add(name)) {
            Feature feature = features.get(name);
            if (feature == null) {
                throw new IOException("There is no feature named '" + name + "'. Known features: "
                        + String.join(", ", features.keySet()) + ".");
            }
            for (String nested : feature.features()) {
                collect(nested, bundles, visited, path);
            }
            for (BundleSpec bundle : feature.bundles()) {
                bundles.putIfAbsent(bundle.location(), bundle);
            }
        }
        path.remove(name);
    }

    /**
     * Where a {@code mvn:group/artifact/version} location lives in a folder with the Maven
     * repository layout.
     */
    static Path resolveMaven(Path repository, String location) throws IOException {
        if (!location.startsWith("mvn:")) {
            throw new IOException("Only mvn: bundle locations are supported, not '" + location + "'.");
        }
        String[] parts = location.substring(4).split("/", -1);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
            throw new IOException("The bundle location '" + location + "' is not mvn:group/artifact/version.");
        }
        Path path = repository;
        for (String segment : parts[0].split("\\.")) {
            path = path.resolve(segment);
        }
        return path.resolve(parts[1]).resolve(parts[2]).resolve(parts[1] + "-" + parts[2] + ".jar");
    }
}
