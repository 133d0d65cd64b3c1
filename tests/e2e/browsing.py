"""What every scenario does in the browser: log in and out through the real forms."""

from playwright.sync_api import expect

PASSWORD = "pw-for-tests-1"  # what tests.factories.UserFactory gives everyone


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=f"Xin chào, {username}")).to_be_visible()


def open_menu(page):
    """On a narrow screen the navigation folds behind the menu button: open it."""
    toggler = page.get_by_role("button", name="Mở trình đơn")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    expect(page.locator("#nav")).to_be_visible()


def log_out(page):
    open_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def assert_fits_width(page):
    """Nothing runs off the side of the screen (tables scroll inside their own box)."""
    page.wait_for_load_state()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
