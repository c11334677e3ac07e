set terminal pngcairo size 1200,520 font 'DejaVu Sans,10'
set output 'plot.png'
set multiplot layout 1,2 title 'evload: everyvoice against Node ws, Socket.IO and Bun (median, range as bars)'
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set ylabel 'delivered messages/s (thousands)'
set title '1,000 clients: W2 (1 in flight) and W3 (8 in flight)'
set yrange [0:*]
set grid ytics
set key top left
plot 'throughput.dat' using 2:3:4:xtic(1) title 'W2' lc rgb '#4c72b0', '' using 5:6:7 title 'W3' lc rgb '#dd8452'
unset style
set style data linespoints
set title 'W1, 10 updates/s: p99 time until the last client has it'
set xlabel 'clients'
set ylabel 'ms'
set logscale xy
set xrange [70:7000]
set yrange [*:*]
set xtics (100, 1000, 5000)
plot 'w1.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '#1b9e77' title 'everyvoice', 'w1.dat' using 1:5:6:7 with yerrorlines lw 2 pt 7 lc rgb '#d95f02' title 'Node ws', 'w1.dat' using 1:8:9:10 with yerrorlines lw 2 pt 7 lc rgb '#7570b3' title 'Socket.IO', 'w1.dat' using 1:11:12:13 with yerrorlines lw 2 pt 7 lc rgb '#e7298a' title 'Bun'
unset multiplot
