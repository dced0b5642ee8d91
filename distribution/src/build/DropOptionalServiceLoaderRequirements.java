import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Build step of the distribution (run by exec-maven-plugin as a single-file Java program): removes a
 * bundle's OPTIONAL ServiceLoader Mediator requirements (osgi.extender=osgi.serviceloader.processor /
 * registrar, osgi.serviceloader) from its manifest, in system/.
 *
 * Why: Aries SPI Fly treats any bundle that asks for the processor as a consumer and rewrites every
 * class it loads with ASM. Felix http.jetty12 asks for it optionally, for HTTP/2 field pre-encoders
 * and ALPN, neither of which the host uses (Jetty falls back to its built-in HTTP/1.0 and 1.1
 * encoders). Weaving Jetty cost about 0.15-0.2 s of CPU per start and a few MB (docs/benchmarks.md).
 * A mandatory requirement is never removed: the build fails instead.
 *
 * Usage: java DropOptionalServiceLoaderRequirements.java BUNDLE.jar...
 */
public class DropOptionalServiceLoaderRequirements {

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            rewrite(Path.of(arg));
        }
    }

    static void rewrite(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no bundle at " + jar);
        }
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            String requirements = main.getValue("Require-Capability");
            if (requirements == null) {
                System.out.println(jar.getFileName() + ": no Require-Capability, unchanged");
                return;
            }
            List<String> kept = new ArrayList<>();
            List<String> dropped = new ArrayList<>();
            for (String clause : clauses(requirements)) {
                if (!isServiceLoaderRequirement(clause)) {
                    kept.add(clause);
                } else if (clause.replace(" ", "").contains("resolution:=optional")) {
                    dropped.add(clause);
                } else {
                    throw new IOException(jar.getFileName() + " needs the ServiceLoader Mediator: " + clause);
                }
            }
            if (dropped.isEmpty()) {
                System.out.println(jar.getFileName() + ": nothing to drop, unchanged");
                return;
            }
            if (kept.isEmpty()) {
                main.remove(new Attributes.Name("Require-Capability"));
            } else {
                main.putValue("Require-Capability", String.join(",", kept));
            }
            try (OutputStream file = Files.newOutputStream(rewritten);
                 JarOutputStream out = new JarOutputStream(file, manifest)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            System.out.println(jar.getFileName() + ": dropped " + dropped);
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    static boolean isServiceLoaderRequirement(String clause) {
        String namespace = clause.split(";", 2)[0].trim();
        return namespace.equals("osgi.serviceloader")
                || (namespace.equals("osgi.extender") && clause.contains("osgi.serviceloader."));
    }

    /** Splits a manifest header into its clauses: at commas outside quoted strings. */
    static List<String> clauses(String header) {
        List<String> clauses = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                clauses.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            clauses.add(current.toString().trim());
        }
        return clauses;
    }
}
