// Starts an embedded Neo4j Community DBMS with only the Bolt connector open, for local
// development and tests (there is no Docker here, so no neo4j image; the jars come from
// Maven Central through tools/neo4j/pom.xml). neo4j.mjs compiles and runs this.
//
// Protocol with the caller (neo4j.mjs reads it from the log file):
//   stdout: exactly one line "READY bolt://HOST:PORT" once Bolt accepts connections.
//   stderr: on failure exactly one line "FAILED <reason>", then exit code 1.
// Neo4j's own logs go to <data-dir>/logs/debug.log, not to stdout.
//
// Usage: java -cp "<classes>:<lib>/*" Launcher [--host H] [--port P] [--data-dir D]
//            [--user U] [--password PW] [--no-auth] [--pagecache 256m] [--tx-timeout 0s]
//            [--exit-with-parent PID]
// The password is read from env NEO4J_PASSWORD unless --password is given (env keeps it out
// of `ps`). --port 0 lets Neo4j pick a free port; the READY line names the real one.

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Launcher {
    /** The running DBMS, for the shutdown hook; null until build() returns. */
    private static volatile DatabaseManagementService started;

    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = 7687;
        String dataDir = "neo4j-data";
        String user = "neo4j";
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = true;
        String pagecache = "256m";
        String txTimeout = "0s"; // 0 = no timeout (Neo4j's default)
        long parentPid = -1;

        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--host" -> host = value(args, ++i, a);
                    case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                    case "--data-dir" -> dataDir = value(args, ++i, a);
                    case "--user" -> user = value(args, ++i, a);
                    case "--password" -> password = value(args, ++i, a);
                    case "--no-auth" -> auth = false;
                    case "--pagecache" -> pagecache = value(args, ++i, a);
                    case "--tx-timeout" -> txTimeout = value(args, ++i, a);
                    case "--exit-with-parent" -> parentPid = Long.parseLong(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port " + port);
            if (auth && (password == null || password.isEmpty())) {
                throw new IllegalArgumentException("auth is on but no password: set NEO4J_PASSWORD or pass --no-auth");
            }
        } catch (RuntimeException e) {
            fail("bad arguments: " + e.getMessage());
        }

        ProcessHandle parent = null;
        if (parentPid > 0) {
            parent = ProcessHandle.of(parentPid).orElse(null);
            if (parent == null) fail("parent process " + parentPid + " is already gone");
        }

        // Fail fast with a clear message instead of a Netty stack trace deep in Neo4j's startup.
        if (port != 0) checkPortFree(host, port);

        Path home = Path.of(dataDir).toAbsolutePath();
        // Neo4j itself notices a second process on the same store only ~15 s into startup.
        checkStoreNotLocked(home);

        // Registered before the (10+ s) startup, so a SIGTERM at any point after it still
        // closes the store cleanly (no recovery needed on the next start).
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                DatabaseManagementService service = started;
                if (service != null) service.shutdown();
            } catch (Throwable ignored) {
                // JVM is exiting anyway.
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        DatabaseManagementService dbms = null;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    // Local dev/test server: plain Bolt, drivers use bolt:// without TLS.
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // HTTP is not needed and has classpath problems in embedded mode.
                    .setConfig(HttpConnector.enabled, false)
                    // Embedded defaults to auth off; the server distribution turns it on, so do we.
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    // Otherwise each database preallocates ~256 MiB of transaction log up front.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // The default keeps two days of transaction logs, for backups and clusters this
                    // server never has: as much again as the store (2.7 GB per million events). Two
                    // files are what recovery needs; older ones go at the next checkpoint.
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.pagecache_memory, SettingValueParsers.BYTES.parse(pagecache))
                    .setConfig(GraphDatabaseSettings.transaction_timeout, SettingValueParsers.DURATION.parse(txTimeout))
                    // No phoning home (there is no internet here anyway).
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Netty waits a 5 s "quiet period" on shutdown; a dev/test server has no
                    // use for it and it makes every stop 5 s slower (internal setting, pinned version).
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
            started = dbms;
        } catch (Throwable t) {
            fail(describe(t, host, port, home));
        }

        // A throwaway server (jest globalSetup) must not outlive the test run when jest is killed
        // before its teardown: exit (through the shutdown hook) once the parent is gone.
        if (parent != null) parent.onExit().thenRun(() -> System.exit(0));

        try {
            GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database("system");
            // Checking first saves seconds on a restart: the first Cypher statement in a fresh
            // JVM (even ALTER USER) pays for warming up the whole Cypher stack.
            if (auth && !credentialsWork(system, user, password)) setCredentials(dbms, user, password);

            // The actual port (matters for --port 0) comes from Neo4j's connector registry. On a
            // loaded machine the Bolt server can register its address after the DBMS is built
            // (seen at load average 12: null here, and a failed start), so wait for it.
            ConnectorPortRegister ports = system.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
            HostnamePort bound = ports.getLocalAddress(ConnectorType.BOLT);
            long boltDeadline = System.nanoTime() + 120_000_000_000L;
            while (bound == null && System.nanoTime() < boltDeadline) {
                Thread.sleep(50);
                bound = ports.getLocalAddress(ConnectorType.BOLT);
            }
            if (bound == null) throw new IllegalStateException("the Bolt connector did not report its address within 120 s");
            int boundPort = bound.getPort();
            waitForTcp(host, boundPort);

            System.out.println("READY bolt://" + uriHost(host) + ":" + boundPort);
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("FAILED " + describe(t, host, port, home));
            System.err.flush();
            System.exit(1); // runs the shutdown hook
        }

        // Keep the JVM alive until a signal; the shutdown hook does the cleanup.
        try {
            stopped.await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets the password of `user` through the system database. Embedded transactions run
     * with full rights, so no login is needed. Community supports these user commands (it has
     * no roles: every user can do everything). Called whenever the given credentials do not
     * work yet (first start, or a different password than last time).
     */
    static void setCredentials(DatabaseManagementService dbms, String user, String password) {
        var system = dbms.database("system");
        Map<String, Object> params = Map.of("user", user, "pw", password);
        if (user.equals("neo4j")) {
            // The built-in user exists from the first start with password "neo4j", change required.
            try {
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", params);
            } catch (RuntimeException e) {
                // Neo4j refuses to "change" a password to the one it already has: a restart on an
                // existing data dir. Anything else is a real error.
                if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) throw e;
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
            }
        } else {
            system.executeTransactionally(
                    "CREATE OR REPLACE USER $user SET PASSWORD $pw CHANGE NOT REQUIRED", params);
            // Do not leave the default neo4j/neo4j login around on a server that has auth on.
            system.executeTransactionally("DROP USER neo4j IF EXISTS");
        }
    }

    /** Tries a login through Neo4j's own auth manager, as Bolt would, without any Cypher. */
    static boolean credentialsWork(GraphDatabaseAPI system, String user, String password) {
        try {
            AuthManager authManager = system.getDependencyResolver().resolveDependency(AuthManager.class);
            LoginContext login = authManager.login(
                    AuthToken.newBasicAuthToken(user, password), ClientConnectionInfo.EMBEDDED_CONNECTION);
            return login.subject().getAuthenticationResult() == AuthenticationResult.SUCCESS;
        } catch (Throwable t) {
            return false; // fall back to setting the password, which is always correct
        }
    }

    static void checkPortFree(String host, int port) {
        try (var s = new java.net.ServerSocket()) {
            s.setReuseAddress(true); // same semantics as Netty's bind; TIME_WAIT is not "in use"
            s.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            fail(portInUse(host, port));
        } catch (IOException e) {
            fail("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /**
     * Neo4j holds an exclusive OS file lock on data/databases/store_lock while running.
     * Probing it (and releasing at once) is a quick, harmless check for another process.
     */
    static void checkStoreNotLocked(Path home) {
        Path lockFile = home.resolve("data/databases/store_lock");
        if (!Files.exists(lockFile)) return; // fresh data dir
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) fail(storeLocked(home));
            lock.release();
        } catch (OverlappingFileLockException e) {
            fail(storeLocked(home));
        } catch (IOException e) {
            // Not fatal here: Neo4j will report a real problem itself.
        }
    }

    static void waitForTcp(String host, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new IOException("Bolt did not accept connections on " + host + ":" + port, e);
                Thread.sleep(100);
            }
        }
    }

    /** Turns a startup exception into one line; walks the cause chain for the known cases. */
    static String describe(Throwable t, String host, int port, Path home) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            String cls = c.getClass().getName();
            if (c instanceof BindException || msg.contains("Address already in use")) {
                return portInUse(host, port);
            }
            if (cls.endsWith("FileLockException") || msg.contains("locked by another")) {
                return storeLocked(home);
            }
            root = c;
        }
        return "Neo4j failed to start: " + root.getClass().getSimpleName() + ": " + root.getMessage()
                + " (see " + home.resolve("logs/debug.log") + ")";
    }

    static String portInUse(String host, int port) {
        return "port " + port + " on " + host + " is already in use";
    }

    static String storeLocked(Path home) {
        return "data dir " + home + " is locked by another Neo4j process (store lock)";
    }

    static String uriHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host; // IPv6 literal
    }

    static String value(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    static void fail(String message) {
        System.err.println("FAILED " + message);
        System.err.flush();
        System.exit(1);
    }
}
