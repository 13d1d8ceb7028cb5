package io.keywarden.relyingparty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A TLS server needing client certificates that answers one byte per connection: whether a handshake passes. */
final class EchoServer implements AutoCloseable {
    private final SSLServerSocket server;
    private final ExecutorService accepts = Executors.newCachedThreadPool();

    EchoServer(SSLContext context) throws IOException {
        server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        accepts.execute(this::loop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void loop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepts.execute(() -> answer(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void answer(Socket s) {
        try (s) {
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            if (in.read() >= 0) {
                s.getOutputStream().write('!');
                s.getOutputStream().flush();
            }
        } catch (IOException refused) {
            // the handshake failed: the client sees it
        }
    }

    /** True when a client with this context completes a handshake and gets the answer. */
    static boolean accepted(SSLContext client, int port) {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write('?');
            out.flush();
            return s.getInputStream().read() == '!';
        } catch (IOException refused) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        accepts.shutdownNow();
    }
}
