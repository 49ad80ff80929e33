package dev.trilog.gateway;

import picocli.CommandLine.IVersionProvider;

/** The version from the runnable jar's manifest ({@code Implementation-Version}, set by the build). */
final class TrilogVersion implements IVersionProvider {

    /** The version, or a marker when running from compiled classes rather than the jar. */
    static String current() {
        String version = TrilogVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"trilog " + current(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
