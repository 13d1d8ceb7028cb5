package io.keywarden.support.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.testing.mqtt.MosquittoBroker;

class PahoClientsTest {

    @Test
    void aClientThatNeverConnectedIsClosedWithoutAnError() throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:1", "never-connected", new MemoryPersistence());
        PahoClients.close(client);
        MqttException e = assertThrows(MqttException.class, client::connect, "a closed client cannot connect");
        assertEquals(MqttException.REASON_CODE_CLIENT_CLOSED, e.getReasonCode());
        PahoClients.close(client);
    }

    @Test
    void aClientClosedWhileItsBrokerIsAwayLeavesNoReconnectThread(@TempDir Path work) throws Exception {
        String id = "reconnecting-" + ProcessHandle.current().pid();
        try (MosquittoBroker broker = MosquittoBroker.start(work)) {
            MqttAsyncClient client = new MqttAsyncClient(broker.url(), id, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setAutomaticReconnect(true);
            o.setMaxReconnectDelay(500);
            client.connect(o).waitForCompletion(10_000);

            broker.stop(); // the connection is lost and Paho starts its reconnect cycle
            Awaitility.await("Paho's reconnect thread")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> reconnectThreads(id) > 0);

            PahoClients.close(client);
            Awaitility.await("no reconnect thread left")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> reconnectThreads(id) == 0);
        }
    }

    private static long reconnectThreads(String clientId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("MQTT Reconnect: " + clientId))
                .count();
    }
}
