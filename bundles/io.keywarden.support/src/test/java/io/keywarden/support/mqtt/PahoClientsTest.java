package io.keywarden.support.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

class PahoClientsTest {

    @Test
    void aClientThatNeverConnectedIsClosedWithoutAnError() throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:1", "never-connected", new MemoryPersistence());
        PahoClients.close(client);
        MqttException e = assertThrows(MqttException.class, client::connect, "a closed client cannot connect");
        assertEquals(MqttException.REASON_CODE_CLIENT_CLOSED, e.getReasonCode());
        PahoClients.close(client);
    }
}
