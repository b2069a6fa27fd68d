package io.hyperp.sweep;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds trainers by name or class name, one instance per name per process, and runs
 * {@link Trainer#setUp} once per process for each concurrency (again only when an engine with another
 * concurrency starts in the same process). Thread-safe.
 */
public final class Trainers {

    private static final Map<String, Trainer> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Integer> SET_UP = new ConcurrentHashMap<>();

    private Trainers() {}

    /**
     * The trainer with this {@link Trainer#name()} among the {@link ServiceLoader} providers of the
     * context class loader, else an instance of the class with this name.
     *
     * @throws IllegalArgumentException if no provider has the name and no class has it, or the class
     *                                  does not implement {@link Trainer} or cannot be instantiated
     */
    public static Trainer load(String nameOrClass) {
        return CACHE.computeIfAbsent(nameOrClass, Trainers::find);
    }

    /**
     * {@link #load} and, unless this process set the trainer up for the same concurrency last,
     * {@link Trainer#setUp}.
     *
     * @param concurrentCells passed to {@code setUp}
     */
    public static Trainer loadAndSetUp(String nameOrClass, int concurrentCells) {
        Trainer t = load(nameOrClass);
        synchronized (SET_UP) {
            Integer last = SET_UP.put(nameOrClass, concurrentCells);
            if (last == null || last != concurrentCells) {
                t.setUp(concurrentCells);
            }
        }
        return t;
    }

    /** The names of the trainers {@link ServiceLoader} finds, sorted. */
    public static List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (Trainer t : ServiceLoader.load(Trainer.class, loader())) {
            names.add(t.name());
        }
        return new ArrayList<>(names);
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Trainers.class.getClassLoader();
    }

    private static Trainer find(String nameOrClass) {
        for (Trainer t : ServiceLoader.load(Trainer.class, loader())) {
            if (t.name().equals(nameOrClass)) {
                return t;
            }
        }
        Class<?> c;
        try {
            c = Class.forName(nameOrClass, true, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "trainer '%s' not found: no trainer has that name (known: %s) and no class of that name is on"
                            + " the class path",
                    nameOrClass,
                    names()));
        }
        if (!Trainer.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "trainer class %s does not implement %s", nameOrClass, Trainer.class.getName()));
        }
        try {
            return (Trainer) c.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException
                | InstantiationException
                | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "trainer class %s cannot be created (it needs a public no-argument constructor): %s",
                            nameOrClass,
                            e),
                    e);
        }
    }
}
