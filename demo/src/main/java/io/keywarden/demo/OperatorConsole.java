package io.keywarden.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's Gogo console, used as an operator uses it: a command line in, the answer read off the console. The
 * demo creates its sensors' one-time enrollment codes here with {@code est:code}, the operator's interface of the EST
 * bundle (the {@code EnrollmentCodes} service), rather than writing into the server's code store behind its back.
 * Lines are kept in memory only (the last few, for an error message); a code is never written to a file.
 */
final class OperatorConsole implements AutoCloseable {
    private static final Pattern CODE = Pattern.compile("device (\\S+) code (\\S+) \\(single use");
    private static final int KEPT_LINES = 20;
    /** Lines not yet looked at; beyond this the newest are dropped (nobody is waiting for an answer then). */
    private static final int BACKLOG = 1000;

    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(BACKLOG);
    private final Deque<String> recent = new ArrayDeque<>();
    private final Thread reader;

    OperatorConsole(OutputStream stdin, InputStream stdout) {
        this.in = new OutputStreamWriter(stdin, StandardCharsets.UTF_8);
        this.reader = new Thread(() -> drain(stdout), "keywarden-demo-console");
        reader.setDaemon(true);
        reader.start();
    }

    private void drain(InputStream stdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.offer(line);
            }
        } catch (IOException e) {
            // the runtime is gone; a waiting caller times out and shows the log
        }
    }

    /** Sends one command line, as typed at the {@code g!} prompt. */
    synchronized void send(String commandLine) {
        try {
            in.write(commandLine + "\n");
            in.flush();
        } catch (IOException e) {
            throw new DemoException("the runtime's console is closed: " + e.getMessage());
        }
    }

    /** Waits until a console line contains {@code text}; false after {@code timeoutMillis}. */
    boolean await(String text, long timeoutMillis) {
        return next(Pattern.compile(Pattern.quote(text)), timeoutMillis) != null;
    }

    /**
     * {@code est:code <deviceId> <hours>} at the console: the code the EST server will accept once, from the device
     * with that id. Waits first until the EST commands answer ({@code est:status}).
     */
    String enrollmentCode(String deviceId, int hours, long timeoutMillis) {
        send("est:code " + deviceId + " " + hours);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            Matcher m = next(CODE, left);
            if (m == null) {
                throw new DemoException("est:code " + deviceId + " gave no code within " + timeoutMillis
                        + " ms; the console said:\n" + recentLines());
            }
            if (m.group(1).equals(deviceId)) {
                return m.group(2);
            }
        }
    }

    /** Waits until {@code est:status} answers: the EST component is active and its commands are registered. */
    void awaitEstCommands(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            send("est:status");
            if (await("EST on https://", 1000)) {
                return;
            }
        }
        throw new DemoException(
                "the runtime's console has no est commands after " + timeoutMillis + " ms; it said:\n" + recentLines());
    }

    private Matcher next(Pattern p, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    return null;
                }
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m;
                }
                keep(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** Lines that carried no code, for an error message. */
    private synchronized void keep(String line) {
        recent.addLast(line);
        if (recent.size() > KEPT_LINES) {
            recent.removeFirst();
        }
    }

    private synchronized String recentLines() {
        return String.join("\n", recent);
    }

    /** Closing the console's input stops the runtime (Gogo ends the framework with its input). */
    @Override
    public synchronized void close() {
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
