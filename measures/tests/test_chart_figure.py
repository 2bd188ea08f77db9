"""The ending summary's chart as SVG: the markup its template wrote, every word escaped."""

from measures.charts import chart_figure, line_chart

EXPECTED = """
<figure class="chart">
  <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-phq9-title chart-phq9-desc" width="100%" viewBox="0 0 520 140" preserveAspectRatio="xMinYMin meet">
    <title id="chart-phq9-title">PHQ-9 &lt;low mood&gt; &amp; &quot;sleep&quot; over time</title>
    <desc id="chart-phq9-desc">From 17 to 6 &lt;b&gt;. 2 results in all.</desc>
    <line x1="24" y1="116" x2="496" y2="116" stroke="#767676"/>
    <text x="2" y="24" font-size="14" fill="#1d2b27">27</text><text x="2" y="116" font-size="14" fill="#1d2b27">0</text>
    <text x="24" y="134" font-size="14" fill="#1d2b27">3 Mar 2026</text>
    <text x="496" y="134" font-size="14" fill="#1d2b27" text-anchor="end">1 Dec 2026</text>
    <polyline fill="none" stroke="#2f6b5a" stroke-width="2" points="24.0,58.1 496.0,95.6"/>
    <g fill="#2f6b5a"><circle cx="24.0" cy="58.1" r="3"/><circle cx="496.0" cy="95.6" r="3"/></g>
  </svg>
</figure>
"""


def test_the_figure_is_the_chart_with_its_words_escaped():
    chart = line_chart(
        [("2026-03-03", 17), ("2026-12-01", 6)], low=0, high=27, title='PHQ-9 <low mood> & "sleep" over time'
    )
    assert chart_figure(chart, key="phq9", description="From 17 to 6 <b>. 2 results in all.") == EXPECTED
