package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.deploymentadmin.BundleInfo;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentPackage;

/**
 * The built .dp installed the way Kura's Packages page does it: through Felix DeploymentAdmin 0.9.5 into a framework
 * with Kura's bundle versions and Kura's API (the compat bundle). Every bundle of the package reaches ACTIVE; the
 * package then uninstalls cleanly.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeploymentAdminIT {

    @Inject
    private BundleContext context;

    @Inject
    private DeploymentAdmin deploymentAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.kuraDeploymentAdminOptions();
    }

    @Test
    public void dpInstallsThroughDeploymentAdminAndEveryBundleIsActive() throws Exception {
        DeploymentPackage dp;
        try (InputStream in = Files.newInputStream(Path.of(ItProperties.required(ItProperties.DP)))) {
            dp = deploymentAdmin.installDeploymentPackage(in);
        }
        assertEquals("keywarden", dp.getName());
        List<String> notActive = new ArrayList<>();
        List<Bundle> bundles = new ArrayList<>();
        for (BundleInfo info : dp.getBundleInfos()) {
            Bundle b = dp.getBundle(info.getSymbolicName());
            bundles.add(b);
            if (b == null || b.getState() != Bundle.ACTIVE) {
                notActive.add(info.getSymbolicName() + " " + (b == null ? "missing" : "state " + b.getState()));
            }
        }
        assertTrue("bundles not ACTIVE: " + notActive, notActive.isEmpty());
        assertTrue("the package's bundles: " + bundles, bundles.size() >= 5);

        dp.uninstall();
        assertNull(deploymentAdmin.getDeploymentPackage("keywarden"));
        for (Bundle b : bundles) {
            assertEquals(b.getSymbolicName() + " uninstalled", Bundle.UNINSTALLED, b.getState());
        }
    }
}
