package dev.openwork.host.launcher;

import dev.openwork.host.launcher.FeatureRepository.BundleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Brings the framework's installed bundles in line with the boot features, keeping the bundle cache
 * between runs: installs what is missing, updates what changed on disk, uninstalls system bundles
 * no feature names any more. Bundles installed by an admin (console, deploy/) are left alone.
 */
final class BundleReconciler {

    /** Felix reads {@code reference:} bundles in place instead of copying them into its cache. */
    static final String REFERENCE_PREFIX = "reference:";

    private final BundleContext context;
    private final Path systemRepository;

    BundleReconciler(BundleContext context, Path systemRepository) {
        this.context = context;
        this.systemRepository = systemRepository;
    }

    /** Returns the bundles to start once all are installed, in feature order. */
    List<Bundle> reconcile(List<BundleSpec> specs) throws IOException, BundleException {
        Set<String> wanted = new HashSet<>();
        List<Bundle> toStart = new ArrayList<>();
        for (BundleSpec spec : specs) {
            Path jar = FeatureRepository.resolveMaven(systemRepository, spec.location());
            if (!Files.isRegularFile(jar)) {
                throw new IOException("The bundle " + spec.location() + " is missing from " + jar
                        + "; the distribution is incomplete: rebuild or reinstall it.");
            }
            String location = REFERENCE_PREFIX + jar.toUri();
            wanted.add(location);
            Bundle bundle = context.getBundle(location);
            if (bundle == null) {
                bundle = context.installBundle(location);
            } else if (Files.getLastModifiedTime(jar).toMillis() > bundle.getLastModified()) {
                bundle.update();
            }
            bundle.adapt(BundleStartLevel.class).setStartLevel(spec.startLevel());
            if (spec.start() && bundle.getHeaders().get("Fragment-Host") == null) {
                toStart.add(bundle);
            }
        }
        String systemPrefix = REFERENCE_PREFIX + systemRepository.toUri();
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            boolean droppedFromFeatures = location.startsWith(systemPrefix) && !wanted.contains(location);
            if (droppedFromFeatures || referencedFileIsGone(location)) {
                bundle.uninstall();
            }
        }
        return toStart;
    }

    /** A cache that outlived its distribution (moved or upgraded home) must not keep dead bundles. */
    private static boolean referencedFileIsGone(String location) {
        if (!location.startsWith(REFERENCE_PREFIX + "file:")) {
            return false;
        }
        try {
            return !Files.exists(Path.of(java.net.URI.create(location.substring(REFERENCE_PREFIX.length()))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
