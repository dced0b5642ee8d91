package dev.openwork.host.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * Writes a file in the host's etc/ as an admin would, and waits until the component it configures
 * shows the new value (FileInstall hands the file to ConfigAdmin, the component is modified).
 */
final class LiveConfig {

    private LiveConfig() {
    }

    static void write(BundleContext context, String pid, String component, String key, String expected, String content)
            throws Exception {
        CountDownLatch applied = new CountDownLatch(1);
        ServiceListener listener = event -> {
            Object value = event.getServiceReference().getProperty(key);
            if ((event.getType() == ServiceEvent.MODIFIED || event.getType() == ServiceEvent.REGISTERED)
                    && value != null && expected.equals(String.valueOf(value).trim())) {
                applied.countDown();
            }
        };
        context.addServiceListener(listener, "(component.name=" + component + ")");
        try {
            var current = context.getServiceReferences((String) null, "(component.name=" + component + ")");
            if (current != null && current.length > 0 && expected.equals(String.valueOf(current[0].getProperty(key)).trim())) {
                return;
            }
            Path etc = Path.of(context.getProperty(HostDistribution.ETC_DIR));
            Path part = etc.resolve(pid + ".cfg.part");
            Files.writeString(part, content);
            Files.move(part, etc.resolve(pid + ".cfg"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!applied.await(20, TimeUnit.SECONDS)) {
                var now = context.getServiceReferences((String) null, "(component.name=" + component + ")");
                throw new AssertionError(component + " did not get " + key + "=" + expected + " within 20 s; it has "
                        + (now == null || now.length == 0 ? "no service" : key + "=" + now[0].getProperty(key)));
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }
}
