# tests/bench/plots.gp: the benchmark plots, from the .dat files tests/bench/run
# writes. Run as: gnuplot -e "dir='OUT_DIR'" plots.gp
set terminal svg size 760,460 dynamic font "sans,12" background rgb "white"
set key top left box opaque
set grid
set style line 1 lc rgb "#1b7837" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#2166ac" lw 2 pt 5 ps 0.8
set style line 3 lc rgb "#b2182b" lw 2 pt 9 ps 0.8
set style line 4 lc rgb "#777777" lw 2 pt 13 ps 0.8 dt 2

# Scale: CPU per hour against N, both axes logarithmic: parallel lines mean the
# same growth, their vertical distance is the ratio.
set output dir."/scale.svg"
set title "Monitoring N logical hosts (2N resources, 10 s interval): CPU per hour"
set xlabel "logical hosts on the node (N)"
set ylabel "CPU seconds per hour"
set logscale xy
set format y "%g"
plot dir."/scale.dat" using 1:5 with linespoints ls 3 title "baseline shell agent, bash", \
     ""              using 1:4 with linespoints ls 2 title "baseline shell agent, dash", \
     ""              using 1:3 with linespoints ls 1 title "lhost", \
     ""              using 1:2 with linespoints ls 4 title "floor: status commands alone"

# Start readiness: how long after the product is ready the start returns.
set output dir."/readiness.svg"
set title "Start: product ready to the agent's start returning (median)"
set xlabel "product start-up time, s (ready after)"
set ylabel "ms after ready"
set logscale x
unset logscale y
set yrange [0:*]
set xtics ("0.1" 0.1, "1" 1, "10" 10)
plot dir."/readiness.dat" using 1:4 with linespoints ls 3 title "baseline shell agent, bash", \
     ""                  using 1:3 with linespoints ls 2 title "baseline shell agent, dash", \
     ""                  using 1:2 with linespoints ls 1 title "lhost", \
     ""                  using 1:5 with linespoints ls 4 title "floor: the start command returns"

# Journal merge: peak RSS against the number of files, at two sizes of file; the
# column heads of journal-merge.dat are the titles. Only when that benchmark has run.
if (system("test -s '".dir."/journal-merge.dat' && echo yes") eq "yes") {
    set output dir."/journal-merge.svg"
    set title "Merging N node journals into one: peak memory (median of 3)"
    set xlabel "files merged (one a node)"
    set ylabel "peak RSS, MiB"
    set logscale x 2
    unset logscale y
    set yrange [0:*]
    set xtics autofreq
    set format y "%g"
    plot dir."/journal-merge.dat" using 1:($4 / 1024) with linespoints ls 3 title columnheader(4), \
         ""                       using 1:($2 / 1024) with linespoints ls 1 title columnheader(2), \
         ""                       using 1:($5 / 1024) with linespoints ls 2 title columnheader(5), \
         ""                       using 1:($3 / 1024) with linespoints ls 4 title columnheader(3)
}
