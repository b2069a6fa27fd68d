package io.hyperp.scaling.fit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NIST StRD nonlinear regression dataset read from the test resources: observations, the two certified
 * starting points, certified parameters, their certified standard deviations and the certified residual sum of
 * squares. Reads NIST's own .dat layout and the commented CSV copies of Misra1a and Thurber.
 */
record NistDataset(
        String name,
        double[] x,
        double[] y,
        double[] start1,
        double[] start2,
        double[] certified,
        double[] certifiedSd,
        double certifiedRss) {

    private static final String NUMBER = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[Ee][-+]?\\d+)?)";
    private static final Pattern PARAM_LINE = Pattern.compile(
            "^\\s*b(\\d+)\\s*=\\s*" + NUMBER + "\\s+" + NUMBER + "\\s+" + NUMBER + "\\s+" + NUMBER + "\\s*$");
    private static final Pattern RSS_LINE = Pattern.compile("(?i)residual sum of squares:?\\s*" + NUMBER);
    private static final Pattern ASSIGN = Pattern.compile("b(\\d+)=" + NUMBER);
    private static final Pattern SD_INLINE = Pattern.compile("\\(sd " + NUMBER + "\\)");

    static NistDataset load(String resource) {
        List<String> lines = readLines("/nist/" + resource);
        String name = resource.substring(0, resource.indexOf('.'));
        return resource.endsWith(".dat") ? parseDat(name, lines) : parseCsv(name, lines);
    }

    private static NistDataset parseDat(String name, List<String> lines) {
        List<double[]> params = new ArrayList<>();
        double rss = Double.NaN;
        List<double[]> data = new ArrayList<>();
        boolean inData = false;
        for (String line : lines) {
            Matcher m = PARAM_LINE.matcher(line);
            if (m.matches()) {
                params.add(new double[] {num(m.group(2)), num(m.group(3)), num(m.group(4)), num(m.group(5))});
                continue;
            }
            Matcher r = RSS_LINE.matcher(line);
            if (r.find()) {
                rss = num(r.group(1));
                continue;
            }
            String t = line.trim();
            if (t.startsWith("Data:") && t.replace("Data:", "").trim().matches("y\\s+x")) {
                inData = true;
                continue;
            }
            if (inData && !t.isEmpty()) {
                String[] f = t.split("\\s+");
                data.add(new double[] {num(f[0]), num(f[1])});
            }
        }
        int p = params.size();
        double[] s1 = new double[p];
        double[] s2 = new double[p];
        double[] c = new double[p];
        double[] sd = new double[p];
        for (int j = 0; j < p; j++) {
            s1[j] = params.get(j)[0];
            s2[j] = params.get(j)[1];
            c[j] = params.get(j)[2];
            sd[j] = params.get(j)[3];
        }
        return build(name, data, s1, s2, c, sd, rss);
    }

    private static NistDataset parseCsv(String name, List<String> lines) {
        double[] s1 = null;
        double[] s2 = null;
        List<Double> certified = new ArrayList<>();
        List<Double> sd = new ArrayList<>();
        double rss = Double.NaN;
        List<double[]> data = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#")) {
                String body = line.substring(1).trim();
                String lower = body.toLowerCase(Locale.ROOT);
                if (lower.startsWith("start1:")) {
                    String[] parts = body.split(";");
                    s1 = startValues(parts[0]);
                    s2 = startValues(parts[1]);
                } else if (lower.startsWith("certified sd:")) {
                    for (String tok :
                            body.substring("certified sd:".length()).trim().split("\\s+")) {
                        sd.add(num(tok));
                    }
                } else if (lower.startsWith("residual sum of squares")) {
                    Matcher r = Pattern.compile(NUMBER).matcher(body);
                    r.find();
                    rss = num(r.group(1));
                } else if (lower.startsWith("certified:") || (certified.size() > 0 && lower.startsWith("b"))) {
                    Matcher a = ASSIGN.matcher(body);
                    while (a.find()) {
                        certified.add(num(a.group(2)));
                    }
                    Matcher s = SD_INLINE.matcher(body);
                    while (s.find()) {
                        sd.add(num(s.group(1)));
                    }
                }
            } else if (!line.isBlank() && !line.startsWith("y,")) {
                String[] f = line.split(",");
                data.add(new double[] {num(f[0]), num(f[1])});
            }
        }
        return build(name, data, s1, s2, toArray(certified), toArray(sd), rss);
    }

    private static double[] startValues(String part) {
        String values = part.substring(part.indexOf(':') + 1).trim();
        List<Double> out = new ArrayList<>();
        for (String tok : values.split("\\s+")) {
            out.add(num(tok.contains("=") ? tok.substring(tok.indexOf('=') + 1) : tok));
        }
        return toArray(out);
    }

    private static NistDataset build(
            String name, List<double[]> data, double[] s1, double[] s2, double[] c, double[] sd, double rss) {
        double[] x = new double[data.size()];
        double[] y = new double[data.size()];
        for (int i = 0; i < x.length; i++) {
            y[i] = data.get(i)[0];
            x[i] = data.get(i)[1];
        }
        if (s1 == null
                || s2 == null
                || s1.length != c.length
                || s2.length != c.length
                || sd.length != c.length
                || c.length == 0
                || Double.isNaN(rss)
                || x.length == 0) {
            throw new IllegalStateException("could not parse NIST dataset " + name);
        }
        return new NistDataset(name, x, y, s1, s2, c, sd, rss);
    }

    double[][] xRows() {
        double[][] rows = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            rows[i] = new double[] {x[i]};
        }
        return rows;
    }

    private static double num(String s) {
        return Double.parseDouble(s);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = NistDataset.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
