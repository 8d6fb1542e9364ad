// What a BI tool on the PostgreSQL JDBC driver (Metabase, DBeaver, Tableau) does with the BI
// database: sync metadata, then run prepared statements again and again (from the second run
// on, with prepareThreshold=1, as a named server-side statement with binary transfer).
// Compiled and run by tests/test_bi_client_jdbc.py; prints one tab-separated record per line.
//
// usage: java -cp postgresql.jar:. JdbcProbe JDBC_URL USER   (password in $PGPASSWORD)

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Properties;

public class JdbcProbe {
    static String clean(Object value) {
        if (value == null) return "\\N";
        return value.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static void out(Object... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) line.append('\t');
            line.append(clean(fields[i]));
        }
        System.out.println(line);
    }

    static String join(Array array) throws SQLException {
        if (array == null) return null;
        Object[] items = (Object[]) array.getArray();
        return String.join("|", java.util.Arrays.stream(items).map(String::valueOf).toArray(String[]::new));
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        props.setProperty("password", System.getenv("PGPASSWORD"));
        props.setProperty("prepareThreshold", "1");
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            DatabaseMetaData meta = conn.getMetaData();
            out("server", meta.getDatabaseProductName(), meta.getDatabaseProductVersion(), meta.getDriverVersion());
            try (ResultSet rs = meta.getTables(null, "marts", "%", new String[] {"TABLE"})) {
                while (rs.next()) out("table", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"), rs.getString("REMARKS"));
            }
            try (ResultSet rs = meta.getColumns(null, "marts", "fct_social_posts", "%")) {
                while (rs.next()) out("column", rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"), rs.getString("REMARKS"));
            }
            for (String table : new String[] {"mart_personas", "fct_social_posts", "dim_wave"}) {
                try (ResultSet rs = meta.getPrimaryKeys(null, "marts", table)) {
                    while (rs.next()) out("pk", table, rs.getString("COLUMN_NAME"), rs.getShort("KEY_SEQ"));
                }
            }
            // a date parameter, 10 runs: the driver switches to a named statement and binary transfer
            String posts = "select platform, post_id, created_at, themes, rating from marts.fct_social_posts "
                         + "where month = ? order by platform, post_id";
            try (PreparedStatement ps = conn.prepareStatement(posts)) {
                for (int run = 1; run <= 10; run++) {
                    Date month = Date.valueOf(String.format("2025-%02d-01", run));
                    ps.setDate(1, month);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Timestamp created = rs.getTimestamp("created_at");
                            Object rating = rs.getObject("rating");
                            out("post", run, month, rs.getString("platform"), rs.getString("post_id"),
                                created.toInstant().toEpochMilli(), join(rs.getArray("themes")), rating);
                        }
                    }
                }
            }
            // numeric and double columns, 10 runs
            String figures = "select figure, \"where\", tolerance_pp, warehouse from audit.reconciliation "
                           + "where wave = ? order by figure, \"where\"";
            try (PreparedStatement ps = conn.prepareStatement(figures)) {
                for (int run = 1; run <= 10; run++) {
                    ps.setInt(1, 2026);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            BigDecimal tolerance = rs.getBigDecimal("tolerance_pp");
                            out("figure", run, rs.getString("figure"), rs.getString("where"),
                                tolerance.toPlainString(), rs.getObject("warehouse"));
                        }
                    }
                }
            }
        }
    }
}
