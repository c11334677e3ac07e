set terminal pngcairo size 1200,520 font 'DejaVu Sans,10'
set output 'w9-plot.png'
set multiplot layout 1,2 title 'W9: the browser pages, CPU throttled 4x, 10 updates/s (median, range as bars)'
set style data linespoints
set logscale xy
set xrange [200:7000]
set xtics (300, 1000, 5000)
set grid
set key top left
set xlabel 'people in the meeting'
set title 'main-thread time per update, p95 (targets: participant 4 ms, console 16 ms)'
set ylabel 'ms'
plot 'w9.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '#1b9e77' title 'console', 'w9.dat' using 1:6:7:8 with yerrorlines lw 2 pt 7 lc rgb '#d95f02' title 'participant page', 'w9.dat' using 1:10:11:12 with yerrorlines lw 2 pt 7 lc rgb '#7570b3' title 'room display', 4 with lines dt 2 lc rgb '#d95f02' title 'participant target', 16 with lines dt 2 lc rgb '#1b9e77' title 'console target'
set title 'DOM elements in the page (targets: participant 5,000, console 20,000)'
set ylabel 'elements'
plot 'w9.dat' using 1:5 with linespoints lw 2 pt 7 lc rgb '#1b9e77' title 'console', 'w9.dat' using 1:9 with linespoints lw 2 pt 7 lc rgb '#d95f02' title 'participant page', 'w9.dat' using 1:13 with linespoints lw 2 pt 7 lc rgb '#7570b3' title 'room display', 5000 with lines dt 2 lc rgb '#d95f02' title 'participant target', 20000 with lines dt 2 lc rgb '#1b9e77' title 'console target'
unset multiplot
