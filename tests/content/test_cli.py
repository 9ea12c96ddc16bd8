from tests.content.fixtures import chapter_text, write_module


def test_content_check_passes_on_module_four(runner):
    result = runner.invoke(args=["content", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "module-4: Localizing the SDGs through Decentralized Cooperation (6 chapters" in result.output
    assert result.output.strip().endswith("OK")


def test_content_check_fails_naming_file_and_line(runner, tmp_path):
    write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", extra_front="colour: blue\n")})
    result = runner.invoke(args=["content", "check", "--modules-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "01-one.md:15: the front matter has an unknown key 'colour'" in result.output
    assert "1 error(s)" in result.output


def test_content_check_warns_about_the_authoring_guide(runner, tmp_path):
    write_module(tmp_path)
    result = runner.invoke(args=["content", "check", "--modules-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "words (the guide asks for 1200-2500)" in result.output
    assert runner.invoke(args=["content", "check", "--modules-dir", str(tmp_path), "--strict"]).exit_code == 1


def test_record_versions(runner):
    first = runner.invoke(args=["content", "record-versions"])
    assert "6 new chapter version(s) recorded." in first.output
    assert "0 new chapter version(s) recorded." in runner.invoke(args=["content", "record-versions"]).output
