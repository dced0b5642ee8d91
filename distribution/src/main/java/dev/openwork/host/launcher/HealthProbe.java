package dev.openwork.host.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Asks the running host's own HTTP endpoint whether it is healthy (used by the CDS training run). */
final class HealthProbe {

    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";

    private HealthProbe() {
    }

    /** Asks with the local admin's credential from {@code <data>/admin/admin.token}, once it exists. */
    static boolean isHealthy(BundleContext context, java.nio.file.Path dataDirectory) {
        java.nio.file.Path tokenFile = dataDirectory.resolve("admin").resolve("admin.token");
        String credential;
        try {
            credential = java.nio.file.Files.exists(tokenFile) ? java.nio.file.Files.readString(tokenFile).trim() : null;
        } catch (IOException e) {
            credential = null;
        }
        if (credential == null) {
            return false;
        }
        for (String endpoint : endpoints(context)) {
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint).resolve("/v1/health").toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(2000);
                connection.setRequestProperty("Authorization", "Bearer " + credential);
                try {
                    if (connection.getResponseCode() == 200) {
                        return true;
                    }
                } finally {
                    connection.disconnect();
                }
            } catch (IOException | IllegalArgumentException e) {
                // not listening yet
            }
        }
        return false;
    }

    private static List<String> endpoints(BundleContext context) {
        List<String> endpoints = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(HTTP_RUNTIME, null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                Object value = ref.getProperty("osgi.http.endpoint");
                if (value instanceof String[] many) {
                    endpoints.addAll(List.of(many));
                } else if (value instanceof Iterable<?> many) {
                    many.forEach(v -> endpoints.add(String.valueOf(v)));
                } else if (value != null) {
                    endpoints.add(value.toString());
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return endpoints;
    }
}
