set terminal pngcairo size 1200,520 font 'sans,10'
set output '2026-12-07-57acf3f.png'
set multiplot layout 1,2 title 'Keywarden bench-all P1: 200 certificates, one Pebble, one run'
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set bmargin 5
set xtics font 'sans,8'
unset key
set title 'certificates per second (higher is better; dashed: the goal)'
set yrange [0:110]
set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead dt 2 lc rgb 'red'
set label 1 'goal: 100/s' at graph 0.02, first 104 tc rgb 'red'
plot '2026-12-07-57acf3f.dat' using 2:xtic(1) lc rgb '#3465a4'
unset arrow 1
unset label 1
set title 'CPU per certificate, ms, log scale (lower is better)'
set logscale y
set yrange [1:*]
plot '2026-12-07-57acf3f.dat' using 3:xtic(1) lc rgb '#cc6600'
unset multiplot
