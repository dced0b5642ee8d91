package dev.openwork.host.itests.probe.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Reports that this bundle runs: the integration tests watch it come and go with deploy/. */
@Component(property = HealthCheck.NAME + "=" + DeployProbeCheck.NAME)
public final class DeployProbeCheck implements HealthCheck {

    static final String NAME = "deploy-probe";

    @Override
    public HealthCheckResult check() {
        return HealthCheckResult.ok(NAME, "The deploy probe bundle is running.", Map.of());
    }
}
