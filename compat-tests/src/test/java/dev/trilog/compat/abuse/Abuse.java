package dev.trilog.compat.abuse;

/** One kind of abuse, run against the broker while ordinary clients go on working. */
interface Abuse extends AutoCloseable {

    /** Starts the abuse; returns once it is in full swing (every connection open, every thread writing). */
    void start() throws Exception;

    /** What the abuse did, for the figures ({@code 10000 connections held}, {@code 1234 fetches written}). */
    String report();

    /** Stops the abuse and closes every connection it opened. */
    @Override
    void close() throws Exception;
}
