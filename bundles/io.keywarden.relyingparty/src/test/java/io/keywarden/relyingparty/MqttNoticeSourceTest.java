package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.testing.mqtt.MosquittoBroker;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.pki.TestKeys;
import io.keywarden.testing.pki.TestTls;

/** Notices over a real Mosquitto reach a server's trust manager; a forged one published on the topic changes nothing. */
class MqttNoticeSourceTest {
    private static final Logger LOG = LoggerFactory.getLogger(MqttNoticeSourceTest.class);

    @TempDir
    Path dir;

    @Test
    void aNoticePublishedByTheAuthorityMakesTheServerRefuseTheDevice() throws Exception {
        TestCa pki = TestCa.root("ca");
        Issued server = pki.issue("collector.test");
        Issued sensor7 = pki.issue("sensor-7.test");
        Issued sensor1 = pki.issue("sensor-1.test");
        KeyPair authority = TestKeys.ec();
        NoticeSubscriber subscriber = new NoticeSubscriber(
                authority.getPublic(), "fleet-authority", DenySet.open(dir.resolve("deny.properties")));
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("mosquitto"));
                MqttNoticeSource source = new MqttNoticeSource(broker.url(), "fleet-1", subscriber).start();
                EchoServer echo = new EchoServer(
                        RevocationTrustManager.pkix(TestTls.trustStore(pki.certificate()), subscriber.denySet())
                                .sslContext(TestTls.keyManagers(server)))) {
            MqttClient publisher = new MqttClient(broker.url(), "authority", new MemoryPersistence());
            publisher.connect();
            awaitConnected(source);
            assertTrue(EchoServer.accepted(TestTls.context(pki, sensor7), echo.port()));

            byte[] forged = RevocationTrustManagerTest.signed(
                    RevocationTrustManagerTest.notice("t-f", sensor1.serialHex()), TestKeys.ec());
            publisher.publish("keywarden/fleet-1/revocation-notices/t-f", forged, 1, true);
            long sent = System.nanoTime();
            publisher.publish(
                    "keywarden/fleet-1/revocation-notices/t-7",
                    RevocationTrustManagerTest.signed(
                            RevocationTrustManagerTest.notice("t-7", sensor7.serialHex()), authority),
                    1,
                    true);
            long deadline = sent + TimeUnit.SECONDS.toNanos(10);
            while (!subscriber.denySet().isDenied(sensor7.serialHex()) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            LOG.info("notice published -> denied at the server: {} ms", (System.nanoTime() - sent) / 1_000_000.0);
            assertFalse(EchoServer.accepted(TestTls.context(pki, sensor7), echo.port()), "refused after the notice");
            assertTrue(
                    EchoServer.accepted(TestTls.context(pki, sensor1), echo.port()),
                    "the forged notice changed nothing");
            publisher.disconnect();
            publisher.close();
        }
    }

    private static void awaitConnected(MqttNoticeSource source) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!source.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // notices are retained: one published before the subscription completes still arrives
        assertTrue(source.isConnected());
    }
}
