package io.keywarden.itests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.Reports;
import io.keywarden.testing.sensors.SensorKeys;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * What the monitor tests share: a gateway enrolled at a real Pebble, simulated sensors that hold their own keys and
 * were enrolled with their own CSRs, the monitor configured with the simulated fleet's baseline, and the revocation
 * component configured with the monitor as this gateway's gateway-monitor authority.
 */
public abstract class MonitorTestSupport extends KeywardenTestSupport {
    protected static final String MONITOR_PID = "io.keywarden.monitor";
    protected static final Duration CONTAIN_TIMEOUT = Duration.ofSeconds(20);

    private final List<Configuration> configs = new ArrayList<>();
    private final List<SimulatedSensor> sensors = new ArrayList<>();

    @After
    public void tearDownMonitor() throws Exception {
        sensors.forEach(SimulatedSensor::close);
        sensors.clear();
        for (Configuration c : configs) {
            c.delete();
        }
        configs.clear();
        awaitTrue("DeviceMonitor unregistered", SERVICE_TIMEOUT, () -> !isRegistered(DeviceMonitor.class));
        awaitTrue("RevocationService unregistered", SERVICE_TIMEOUT, () -> !isRegistered(RevocationService.class));
    }

    /** The monitor on a free loopback port with the simulated fleet's baseline; {@code extra} overrides. */
    protected DeviceMonitor startMonitor(Map<String, Object> extra) throws IOException {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("channel.bind.address", "127.0.0.1");
        p.put("channel.port", 0);
        p.put("channel.threads", 8);
        p.put("report.max.bytes", 4096);
        p.put("data.dir", dataDir.resolve("monitor").toString());
        p.put("baseline.firmware.sha256", Reports.baselineFirmware().toArray(new String[0]));
        p.put("baseline.task.sha256", Reports.baselineTasks().toArray(new String[0]));
        p.put("baseline.peers", Reports.baselinePeers().toArray(new String[0]));
        p.put("baseline.max.requests.per.second", 20);
        p.put("baseline.heartbeat.seconds", 1);
        p.put("baseline.missed.heartbeats", 2);
        p.putAll(extra);
        Configuration c = configAdmin.getConfiguration(MONITOR_PID, "?");
        c.update(p);
        configs.add(c);
        DeviceMonitor monitor = awaitService(DeviceMonitor.class);
        await(
                "the sensor channel listening",
                SERVICE_TIMEOUT,
                () -> monitor.getChannelAddress().orElse(null));
        return monitor;
    }

    /** The revocation component, with the monitor's own key as the gateway-monitor authority of {@code gateway}. */
    protected RevocationService startRevocation(DeviceMonitor monitor, String gateway) throws Exception {
        Configuration authority = configAdmin.createFactoryConfiguration("io.keywarden.revocation.authority", "?");
        Hashtable<String, Object> a = new Hashtable<>();
        a.put("authority.id", monitor.getAuthorityId());
        a.put("authority.role", "gateway-monitor");
        a.put("authority.key", monitor.getAuthorityPublicKeyPem());
        a.put("authority.scope", gateway);
        authority.update(a);
        configs.add(authority);
        Configuration policy = configAdmin.getConfiguration("io.keywarden.revocation", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("routes", "CUSTODIAN_ACCOUNT");
        p.put("retry.initial.millis", 200);
        p.put("retry.max.seconds", 2);
        p.put("rate.per.minute", 600);
        p.put("data.dir", dataDir.resolve("revocation").toString());
        policy.update(p);
        configs.add(policy);
        return awaitService(RevocationService.class);
    }

    /** Enrolls one sensor per profile with its own key and CSR; the sensors' ids are {@code <profile>-<n>}. */
    protected Map<String, SimulatedSensor> sensors(
            String gatewayName, DeviceMonitor monitor, CaControl ca, Profile... profiles) throws Exception {
        SensorEnrollmentService service = awaitSensorService();
        Map<String, KeyPair> keys = new LinkedHashMap<>();
        Map<String, CompletableFuture<CertificateRecord>> pending = new LinkedHashMap<>();
        int n = 0;
        for (Profile profile : profiles) {
            String id = profile.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + (++n);
            String dns = id + "." + gatewayName;
            KeyPair key = SensorKeys.newKey();
            keys.put(id, key);
            pending.put(
                    id,
                    service.enroll(SensorEnrollmentRequest.builder(id)
                                    .dnsName(dns)
                                    .csrPem(SensorKeys.csrPem(key, List.of(dns)))
                                    .build())
                            .toCompletableFuture());
        }
        Map<String, SimulatedSensor> out = new LinkedHashMap<>();
        InetSocketAddress channel = monitor.getChannelAddress().orElseThrow();
        n = 0;
        for (Map.Entry<String, CompletableFuture<CertificateRecord>> e : pending.entrySet()) {
            CertificateRecord r = e.getValue().get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            SimulatedSensor s = new SimulatedSensor(
                    e.getKey(), keys.get(e.getKey()), r.getChain(), profiles[n++], channel, List.of(ca.root()));
            sensors.add(s);
            out.put(e.getKey(), s);
        }
        return out;
    }

    protected static Incident awaitIncident(DeviceMonitor monitor, String deviceId, String rule) {
        return await(
                rule + " incident for " + deviceId,
                CONTAIN_TIMEOUT,
                () -> monitor.getIncidents().stream()
                        .filter(i ->
                                i.getDeviceId().equals(deviceId) && i.getRule().equals(rule))
                        .findFirst()
                        .orElse(null));
    }

    protected static Incident awaitTicket(DeviceMonitor monitor, String incidentId) {
        return await(
                "revocation ticket of " + incidentId,
                CONTAIN_TIMEOUT,
                () -> monitor.getIncidents().stream()
                        .filter(i -> i.getId().equals(incidentId)
                                && i.getRevocationTicketId().isPresent())
                        .findFirst()
                        .orElse(null));
    }

    protected static void awaitCaStatus(CaControl ca, String serial, String status) {
        awaitTrue(serial + " " + status + " at the CA", CONTAIN_TIMEOUT, () -> status.equals(ca.certStatus(serial)));
    }
}
