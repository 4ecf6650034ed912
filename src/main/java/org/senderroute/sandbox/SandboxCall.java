package org.senderroute.sandbox;

/**
 * One POST the sandbox served, placed on one count of events (each arrival and each answer is the next number), so
 * that a test can tell which calls overlapped without reading a clock.
 *
 * @param firstSender the {@code sender} of the first entry of its {@code data} (empty when the body was not readable)
 * @param arrived     its arrival's number
 * @param answered    its answer's number (the reply written, or the connection closed): greater than {@code arrived}
 */
public record SandboxCall(String firstSender, long arrived, long answered) {

    /** Whether the other call arrived while this one was being served. */
    public boolean overlaps(SandboxCall other) {
        return other.arrived > arrived && other.arrived < answered;
    }
}
